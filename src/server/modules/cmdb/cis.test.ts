import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resourceContract } from "../../../../test/helpers/resource-contract.js";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";

resourceContract({
  name: "cis",
  path: "/api/v1/cis",
  valid: (n) => ({
    class: "linux_server",
    name: `web-${String(n).padStart(3, "0")}`,
    environment: "production",
    attributes: { os_version: "12", cpu_count: n },
    identifiers: { hostname: `web-${n}.lan` },
  }),
  update: { environment: "staging" },
  search: { query: (b) => `q=${encodeURIComponent(String(b.name))}` },
  sort: { key: "name", field: "name" },
  invalid: [
    { body: { class: "linux_server" }, field: "name" },
    { body: { class: "spaceship", name: "x" }, field: "class" },
    { body: { class: "linux_server", name: "x", attributes: { os_version: 12 } }, field: "attributes.os_version" },
    { body: { class: "linux_server", name: "x", attributes: { colour: "red" } }, field: "attributes.colour" },
    { body: { class: "database", name: "x", attributes: { engine: "excel" } }, field: "attributes.engine" },
    { body: { class: "server", name: "x", attributes: { warranty_expires: "soon" } }, field: "attributes.warranty_expires" },
    { body: { class: "linux_server", name: "x", lifecycleStatus: "dead" }, field: "lifecycleStatus" },
    { body: { class: "linux_server", name: "x", identifiers: { ipAddresses: ["300.1.1.1"] } }, field: "identifiers.ipAddresses" },
    { body: { class: "linux_server", name: "x", supportGroupId: "nogroup" }, field: "supportGroupId" },
    { body: { class: "linux_server", name: "x", colour: "red" }, field: "colour" },
  ],
  readOnlyRole: "viewer",
  noAccessRole: "requester",
});

describe("configuration items", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const post = async (body: object, headers = t.admin.auth) => t.app.inject({ method: "POST", url: "/api/v1/cis", headers, payload: body });
  const create = async (body: object) => {
    const res = await post(body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  it("validates attributes against the class, including inherited and required ones, on update too", async () => {
    const wl = await post({ class: "kubernetes_workload", name: "checkout" });
    expect(wl.statusCode).toBe(400);
    expect(wl.json()).toMatchObject({ error: "cmdb.invalid_attribute", details: { field: "attributes.namespace" } });
    const ci = await create({ class: "linux_server", name: "db-01", attributes: { memory_mb: 2048, distribution: "debian" } });
    const bad = await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${ci.id}`, headers: t.admin.auth, payload: { attributes: { memory_mb: "lots" } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: "cmdb.invalid_attribute", details: { field: "attributes.memory_mb" } });
    // Moving to a class that lacks an attribute refuses until the value is cleared in the same edit.
    const move = await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${ci.id}`, headers: t.admin.auth, payload: { class: "windows_server" } });
    expect(move.json().details.field).toBe("attributes.distribution");
    const moved = await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${ci.id}`, headers: t.admin.auth, payload: { class: "windows_server", attributes: { distribution: null } } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().attributes).toEqual({ memory_mb: 2048 });
  });

  it("filters by class including subclasses, by status, environment and support group", async () => {
    const group = (await t.app.inject({ method: "POST", url: "/api/v1/groups", headers: t.admin.auth, payload: { name: "Unix" } })).json();
    await create({ class: "linux_server", name: "a", supportGroupId: group.id, environment: "production" });
    await create({ class: "windows_server", name: "b", lifecycleStatus: "maintenance", environment: "staging" });
    await create({ class: "server", name: "c" });
    await create({ class: "database", name: "d" });
    const names = async (qs: string) => (await t.app.inject({ url: `/api/v1/cis?${qs}`, headers: t.admin.auth })).json().items.map((c: { name: string }) => c.name);
    expect(await names("class=server")).toEqual(["a", "b", "c"]);
    expect(await names("class=application")).toEqual(["d"]);
    expect(await names("lifecycleStatus=maintenance")).toEqual(["b"]);
    expect(await names("environment=production")).toEqual(["a"]);
    expect(await names(`supportGroupId=${group.id}`)).toEqual(["a"]);
    const unknown = await t.app.inject({ url: "/api/v1/cis?class=spaceship", headers: t.admin.auth });
    expect(unknown.json().details.field).toBe("class");
  });

  it("finds CIs by an identifier and refuses to create one that already exists", async () => {
    const ci = await create({ class: "linux_server", name: "web-01", identifiers: { serialNumber: "SN-1", fqdn: "Web01.Example.com.", ipAddresses: ["10.0.0.2", "10.0.0.1"] } });
    expect(ci.identifiers).toEqual({ serialNumber: "SN-1", fqdn: "web01.example.com", ipAddresses: ["10.0.0.1", "10.0.0.2"] });
    const found = (await t.app.inject({ url: "/api/v1/cis?q=10.0.0.2", headers: t.admin.auth })).json();
    expect(found.items.map((c: { id: string }) => c.id)).toEqual([ci.id]);
    const dup = await post({ class: "server", name: "other", identifiers: { serialNumber: "SN-1" } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ error: "cmdb.duplicate_ci", details: { ciId: ci.id } });
    const other = await create({ class: "network_device", name: "sw", identifiers: { serialNumber: "SN-2" } });
    const taken = await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${other.id}`, headers: t.admin.auth, payload: { identifiers: { fqdn: "web01.example.com" } } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ error: "cmdb.identifier_taken", details: { field: "identifiers.fqdn" } });
  });

  it("keeps a history of every change with actor and source, readable after deletion", async () => {
    const ci = await create({ class: "linux_server", name: "app-01", attributes: { os_version: "11" } });
    await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${ci.id}`, headers: t.admin.auth, payload: { attributes: { os_version: "12" }, operationalStatus: "down" } });
    await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${ci.id}`, headers: t.admin.auth, payload: { attributes: { os_version: "12" } } });
    const history = (await t.app.inject({ url: `/api/v1/cis/${ci.id}/history`, headers: t.admin.auth })).json();
    const changes = history.items.filter((h: { old: unknown }) => h.old !== null).map((h: { field: string; old: unknown; new: unknown }) => [h.field, h.old, h.new]);
    expect(changes).toEqual(expect.arrayContaining([["attributes.os_version", "11", "12"], ["operationalStatus", "unknown", "down"]]));
    expect(changes).toHaveLength(2); // the repeated edit changed nothing
    expect(history.items[0]).toMatchObject({ actorId: t.admin.user.id, source: "manual" });
    await t.app.inject({ method: "DELETE", url: `/api/v1/cis/${ci.id}`, headers: t.admin.auth });
    const after = (await t.app.inject({ url: `/api/v1/cis/${ci.id}/history`, headers: t.admin.auth })).json();
    expect(after.items[0]).toMatchObject({ field: "*", new: null });
    expect((await t.app.inject({ url: "/api/v1/cis/nope/history", headers: t.admin.auth })).statusCode).toBe(404);
  });

  it("pages through the history field by field, across writes, in both orders", async () => {
    const ci = await create({ class: "linux_server", name: "pager", environment: "production", attributes: { os_version: "1", cpu_count: 2 } });
    for (let v = 2; v <= 4; v++) {
      await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${ci.id}`, headers: t.admin.auth, payload: { attributes: { os_version: String(v), cpu_count: v * 2 } } });
    }
    const page = async (query: string) => (await t.app.inject({ url: `/api/v1/cis/${ci.id}/history?${query}`, headers: t.admin.auth })).json();
    const all = await page("limit=500&sort=at");
    expect(all.total).toBe(7 + 3 * 2);
    for (const sort of ["at", "-at"]) {
      const whole = (await page(`limit=500&sort=${sort}`)).items;
      const pieces = [];
      for (let offset = 0; offset < all.total; offset += 3) {
        const p = await page(`limit=3&offset=${offset}&sort=${sort}`);
        expect(p.total).toBe(all.total);
        pieces.push(...p.items);
      }
      expect(pieces).toEqual(whole);
    }
    const newest = (await page("limit=2")).items;
    expect(newest.map((h: { field: string; old: unknown; new: unknown }) => [h.field, h.old, h.new])).toEqual([
      ["attributes.cpu_count", 6, 8],
      ["attributes.os_version", "3", "4"],
    ]);
    expect((await page("limit=5&offset=500")).items).toEqual([]);
  });

  it("lists a creation's fields as they were created, whatever happened to the CI since (its row keeps no values)", async () => {
    const group = (await t.app.inject({ method: "POST", url: "/api/v1/groups", headers: t.admin.auth, payload: { name: "Linux team" } })).json();
    const body = {
      class: "linux_server",
      name: "hist-1",
      environment: "production",
      ownerGroupId: group.id,
      attributes: { distribution: "debian", cpu_count: 2 },
      identifiers: { ipAddresses: ["10.0.0.2", "10.0.0.1"], hostname: "Hist-1.lan" },
    };
    const bulk = await t.app.inject({ method: "POST", url: "/api/v1/cmdb/bulk", headers: t.admin.auth, payload: { source: "discovery", cis: [{ ...body, name: "hist-2", identifiers: { hostname: "hist-2.lan" } }] } });
    const ids = [(await create(body)).id, bulk.json().cis[0].id];
    const expected = (name: string, identifiers: Array<[string, unknown]>) => [
      ["class", "linux_server"],
      ["name", name],
      ["lifecycleStatus", "in_service"],
      ["operationalStatus", "unknown"],
      ["environment", "production"],
      ["ownerGroupId", group.id],
      ["attributes.distribution", "debian"],
      ["attributes.cpu_count", 2],
      ...identifiers,
    ];
    const wanted = [expected("hist-1", [["identifiers.hostname", "hist-1.lan"], ["identifiers.ipAddresses", ["10.0.0.1", "10.0.0.2"]]]), expected("hist-2", [["identifiers.hostname", "hist-2.lan"]])];
    const creation = async (id: string) => {
      const page = (await t.app.inject({ url: `/api/v1/cis/${id}/history?sort=at&limit=100`, headers: t.admin.auth })).json();
      const first = page.items.filter((e: { id: number }) => Math.floor(e.id / 4096) === Math.floor(page.items[0].id / 4096));
      expect(first.every((e: { old: unknown }) => e.old === null)).toBe(true);
      return { entries: first.map((e: { field: string; new: unknown }) => [e.field, e.new]), total: page.total };
    };
    for (const [i, id] of ids.entries()) expect((await creation(id)).entries).toEqual(wanted[i]);
    // The rows hold only the group ids; the values come back from the CI and the writes after it.
    for (const [i, id] of ids.entries()) {
      const rows = await t.db.selectFrom("ci_changes").select(["changes", "field_count"]).where("ci_id", "=", id).execute();
      expect(rows.map((r) => [r.changes, Number(r.field_count)])).toEqual([[`{"+":{"ownerGroupId":"${group.id}"}}`, wanted[i].length]]);
    }

    for (const id of ids) {
      const edits = [
        { name: "renamed", attributes: { distribution: "ubuntu", cpu_count: null, kernel_version: "6.1" }, identifiers: { hostname: "other.lan", ipAddresses: ["10.0.0.9"] } },
        { environment: null, attributes: { cpu_count: 8 }, operationalStatus: "down" },
        { class: "server", attributes: { kernel_version: null, distribution: null } },
      ];
      for (const payload of edits) {
        const res = await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${id}`, headers: t.admin.auth, payload });
        expect(res.statusCode, res.body).toBe(200);
      }
    }
    // Deleting the group clears it in the CIs without a write of their own.
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/groups/${group.id}`, headers: t.admin.auth })).statusCode).toBe(204);
    expect((await t.app.inject({ url: `/api/v1/cis/${ids[0]}`, headers: t.admin.auth })).json().ownerGroupId).toBeNull();
    for (const [i, id] of ids.entries()) {
      const { entries, total } = await creation(id);
      expect(entries).toEqual(wanted[i]);
      // Paging counts the creation's fields without rebuilding them.
      const pieces = [];
      for (let offset = 0; offset < total; offset += 4) pieces.push(...(await t.app.inject({ url: `/api/v1/cis/${id}/history?sort=at&limit=4&offset=${offset}`, headers: t.admin.auth })).json().items);
      expect(pieces.slice(0, wanted[i].length).map((e: { field: string; new: unknown }) => [e.field, e.new])).toEqual(wanted[i]);
      expect(pieces).toHaveLength(total);
      // The same after the CI is gone: its deletion row keeps the CI it removed.
      expect((await t.app.inject({ method: "DELETE", url: `/api/v1/cis/${id}`, headers: t.admin.auth })).statusCode).toBe(204);
      expect((await creation(id)).entries).toEqual(wanted[i]);
    }
  });

  it("keeps each field's source and confirmation through edits and clears", async () => {
    const ci = await create({ class: "linux_server", name: "src-1", environment: "production", attributes: { os_version: "1" } });
    const sources = async () => (await t.app.inject({ url: `/api/v1/cis/${ci.id}/sources`, headers: t.admin.auth })).json().items as Array<{ field: string; source: string; confirmedAt: string }>;
    const created = await sources();
    expect(created.map((s) => s.field)).toEqual(["attributes.os_version", "class", "environment", "lifecycleStatus", "name", "operationalStatus"]);
    expect(new Set(created.map((s) => s.confirmedAt)).size).toBe(1);
    await new Promise((r) => setTimeout(r, 5));
    await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${ci.id}`, headers: t.admin.auth, payload: { environment: null, attributes: { cpu_count: 8 } } });
    const edited = await sources();
    // The cleared field keeps its entry; the new one gets one; the others keep their first confirmation.
    expect(edited.map((s) => s.field)).toEqual(["attributes.cpu_count", "attributes.os_version", "class", "environment", "lifecycleStatus", "name", "operationalStatus"]);
    const at = (items: typeof edited, field: string) => items.find((s) => s.field === field)!.confirmedAt;
    expect(at(edited, "environment") > at(created, "environment")).toBe(true);
    expect(at(edited, "attributes.cpu_count")).toBe(at(edited, "environment"));
    expect(at(edited, "name")).toBe(at(created, "name"));
  });

  it("emits outbox events for every write", async () => {
    const ci = await create({ class: "storage", name: "nas" });
    await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${ci.id}`, headers: t.admin.auth, payload: { name: "nas-1" } });
    await t.app.inject({ method: "DELETE", url: `/api/v1/cis/${ci.id}`, headers: t.admin.auth });
    const types = (await t.db.selectFrom("outbox").select("type").where("type", "like", "ci.%").orderBy("id").execute()).map((r) => r.type);
    expect(types).toEqual(["ci.created", "ci.updated", "ci.deleted"]);
  });

  it("lets agents edit, viewers only read, requesters nothing", async () => {
    const agent = await t.user("agent");
    const viewer = await t.user("viewer");
    const requester = await t.user("requester");
    const ci = (await post({ class: "laptop", name: "lt-1" }, agent.auth)).json();
    expect(ci.id).toBeTruthy();
    for (const url of [`/api/v1/cis/${ci.id}`, `/api/v1/cis/${ci.id}/history`, `/api/v1/cis/${ci.id}/impact`, "/api/v1/ci-classes", "/api/v1/relationships"]) {
      expect((await t.app.inject({ url, headers: viewer.auth })).statusCode, url).toBe(200);
      expect((await t.app.inject({ url, headers: requester.auth })).statusCode, url).toBe(403);
    }
    const identify = { method: "POST" as const, url: "/api/v1/cis/identify", payload: { class: "laptop", name: "lt-2" } };
    expect((await t.app.inject({ ...identify, headers: viewer.auth })).statusCode).toBe(403);
    expect((await t.app.inject({ ...identify, headers: requester.auth })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "POST", url: "/api/v1/cmdb/bulk", headers: viewer.auth, payload: { cis: [] } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${ci.id}`, headers: requester.auth, payload: { name: "x" } })).statusCode).toBe(403);
  });
});
