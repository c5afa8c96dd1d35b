import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { usePg } from "../../../../test/helpers/test-db.js";
import { usesBulkThread } from "./bulk.thread.js";

// On an SQLite file, bulk batches are reconciled on the bulk thread (bulk.thread.ts) while single
// writes stay on the main thread: every test runs there too, and must give the same answers.
const VARIANTS = usePg ? [{ where: "PostgreSQL", fileDb: false }] : [{ where: "in process (SQLite in memory)", fileDb: false }, { where: "with the bulk thread (SQLite file)", fileDb: true }];

describe.each(VARIANTS)("identification and reconciliation, $where", ({ fileDb }) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({}, { fileDb });
  });
  afterEach(async () => {
    // Batches went to the thread exactly where one should be.
    if (!usePg) expect(usesBulkThread(t.db)).toBe(fileDb);
    await t.close();
  });

  const identify = async (body: object) => {
    const res = await t.app.inject({ method: "POST", url: "/api/v1/cis/identify", headers: t.admin.auth, payload: body });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { ci: { id: string; class: string; name: string; attributes: Record<string, unknown>; identifiers: Record<string, unknown> }; outcome: string };
  };
  const total = async () => (await t.app.inject({ url: "/api/v1/cis?limit=1", headers: t.admin.auth })).json().total;

  it("merges three sources describing one server by serial, FQDN and hostname+IP into one CI", async () => {
    // A network scan knows the hostname and an address; an agent the serial and FQDN too; the CMDB import the serial.
    const scan = await identify({ source: "discovery", class: "unidentified", name: "srv-db-01", identifiers: { hostname: "srv-db-01", ipAddresses: ["10.1.0.5"] } });
    const agent = await identify({
      source: "agent",
      class: "linux_server",
      name: "srv-db-01",
      attributes: { os_version: "12.5" },
      identifiers: { hostname: "SRV-DB-01", ipAddresses: ["10.1.0.5", "10.2.0.5"], fqdn: "srv-db-01.corp.example", serialNumber: "CZ12345" },
    });
    const importer = await identify({ source: "import", class: "server", name: "Database server 1", identifiers: { serialNumber: "CZ12345" }, attributes: { manufacturer: "HPE" } });
    const monitoring = await identify({ source: "events", class: "server", name: "srv-db-01.corp.example", identifiers: { fqdn: "srv-db-01.corp.example." } });
    expect(scan.outcome).toBe("created");
    expect(agent.outcome).toBe("updated");
    expect(importer.outcome).toBe("updated");
    expect(new Set([scan.ci.id, agent.ci.id, importer.ci.id, monitoring.ci.id]).size).toBe(1);
    expect(await total()).toBe(1);
    const ci = importer.ci;
    // The agent's more specific class survives the import's "server"; the import's name beats the agent's.
    expect(ci.class).toBe("linux_server");
    expect(ci.name).toBe("Database server 1");
    expect(ci.attributes).toEqual({ os_version: "12.5", manufacturer: "HPE" });
    expect(monitoring.ci.name).toBe("Database server 1");
    expect(monitoring.outcome).toBe("unchanged");
  });

  it("answers unchanged when a source repeats itself, and refreshes the confirmation time", async () => {
    const body = { source: "agent", class: "linux_server", name: "h1", identifiers: { serialNumber: "S-1" }, attributes: { cpu_count: 4 } };
    const first = await identify(body);
    const before = (await t.app.inject({ url: `/api/v1/cis/${first.ci.id}/sources`, headers: t.admin.auth })).json().items;
    await new Promise((r) => setTimeout(r, 5));
    const again = await identify(body);
    expect(again.outcome).toBe("unchanged");
    const after = (await t.app.inject({ url: `/api/v1/cis/${first.ci.id}/sources`, headers: t.admin.auth })).json().items;
    const cpu = (items: Array<{ field: string; confirmedAt: string; source: string }>) => items.find((i) => i.field === "attributes.cpu_count")!;
    expect(cpu(after).source).toBe("agent");
    expect(cpu(after).confirmedAt > cpu(before).confirmedAt).toBe(true);
    const history = (await t.app.inject({ url: `/api/v1/cis/${first.ci.id}/history`, headers: t.admin.auth })).json();
    expect(history.items.every((h: { old: unknown }) => h.old === null)).toBe(true); // only the creation
  });

  it("lets a higher-precedence source win a field and keeps a lower one from overwriting it", async () => {
    const imported = await identify({ source: "import", class: "linux_server", name: "erp-app", identifiers: { serialNumber: "S-9" }, attributes: { os_version: "RHEL 9" }, environment: "production" });
    const scanned = await identify({ source: "discovery", class: "linux_server", name: "erp-app", identifiers: { serialNumber: "S-9" }, attributes: { os_version: "Linux", cpu_count: 8 }, environment: "staging" });
    expect(scanned.outcome).toBe("updated"); // cpu_count was new
    expect(scanned.ci.attributes).toEqual({ os_version: "RHEL 9", cpu_count: 8 });
    const ci = (await t.app.inject({ url: `/api/v1/cis/${imported.ci.id}`, headers: t.admin.auth })).json();
    expect(ci.environment).toBe("production");
    const sources = (await t.app.inject({ url: `/api/v1/cis/${ci.id}/sources`, headers: t.admin.auth })).json().items;
    expect(sources.find((s: { field: string }) => s.field === "attributes.os_version").source).toBe("import");
    expect(sources.find((s: { field: string }) => s.field === "attributes.cpu_count").source).toBe("discovery");

    // Precedence is configurable: put discovery first and it may now overwrite.
    const viewerSet = await t.app.inject({ method: "PUT", url: "/api/v1/cmdb/precedence", headers: (await t.user("agent")).auth, payload: { sources: ["discovery"] } });
    expect(viewerSet.statusCode).toBe(403);
    const set = await t.app.inject({ method: "PUT", url: "/api/v1/cmdb/precedence", headers: t.admin.auth, payload: { sources: ["discovery", "import"] } });
    expect(set.statusCode, set.body).toBe(200);
    const rescanned = await identify({ source: "discovery", class: "linux_server", name: "erp-app", identifiers: { serialNumber: "S-9" }, attributes: { os_version: "Linux" } });
    expect(rescanned.ci.attributes.os_version).toBe("Linux");
    const history = (await t.app.inject({ url: `/api/v1/cis/${ci.id}/history`, headers: t.admin.auth })).json().items;
    expect(history[0]).toMatchObject({ field: "attributes.os_version", old: "RHEL 9", new: "Linux", source: "discovery" });
  });

  it("refuses an ambiguous match instead of guessing", async () => {
    await identify({ source: "discovery", class: "linux_server", name: "a", identifiers: { hostname: "web", ipAddresses: ["10.0.0.1"] } });
    await identify({ source: "discovery", class: "linux_server", name: "b", identifiers: { hostname: "web", ipAddresses: ["10.0.0.2"] } });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/cis/identify",
      headers: t.admin.auth,
      payload: { source: "discovery", class: "linux_server", name: "c", identifiers: { hostname: "web", ipAddresses: ["10.0.0.1", "10.0.0.2"] } },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe("cmdb.ambiguous_match");
  });

  it("identifies one record once when several writers send it at the same moment", async () => {
    // Host name and address identify this server, and neither is unique: no index would stop a duplicate.
    const record = { source: "discovery", class: "linux_server", name: "race-01", identifiers: { hostname: "race-01", ipAddresses: ["10.9.0.1"] } };
    const identifies = Array.from({ length: 6 }, () => t.app.inject({ method: "POST", url: "/api/v1/cis/identify", headers: t.admin.auth, payload: record }));
    const bulks = Array.from({ length: 3 }, () =>
      t.app.inject({ method: "POST", url: "/api/v1/cmdb/bulk", headers: t.admin.auth, payload: { source: "discovery", cis: [{ class: "linux_server", name: "race-01", identifiers: { hostname: "race-01", ipAddresses: ["10.9.0.1"] } }] } }),
    );
    const answers = await Promise.all([...identifies, ...bulks]);
    for (const a of answers) expect(a.statusCode, a.body).toBe(200);
    const ids = [...answers.slice(0, 6).map((a) => a.json().ci.id), ...answers.slice(6).map((a) => a.json().cis[0].id)];
    const outcomes = [...answers.slice(0, 6).map((a) => a.json().outcome), ...answers.slice(6).map((a) => a.json().cis[0].outcome)];
    expect(new Set(ids).size).toBe(1);
    expect(outcomes.filter((o) => o === "created")).toHaveLength(1);
    expect(await total()).toBe(1);
  });

  it("ignores placeholder serial numbers", async () => {
    const a = await identify({ class: "server", name: "x1", identifiers: { serialNumber: "To be filled by O.E.M." } });
    const b = await identify({ class: "server", name: "x2", identifiers: { serialNumber: "To be filled by O.E.M." } });
    expect(a.ci.id).not.toBe(b.ci.id);
    expect(a.ci.identifiers).toEqual({});
  });

  describe("bulk", () => {
    const bulk = (payload: object) => t.app.inject({ method: "POST", url: "/api/v1/cmdb/bulk", headers: t.admin.auth, payload });

    it("answers per item and writes nothing of a failing item", async () => {
      const existing = await identify({ source: "agent", class: "linux_server", name: "db-1", identifiers: { serialNumber: "SER-DB" } });
      const res = await bulk({
        source: "discovery",
        cis: [
          { ref: "app", class: "application", name: "Billing", identifiers: { otelServiceName: "billing" } },
          { ref: "db", class: "linux_server", name: "db-1", identifiers: { serialNumber: "SER-DB" }, attributes: { cpu_count: 16 } },
          { ref: "bad", class: "linux_server", name: "broken", identifiers: { fqdn: "broken.example" }, attributes: { cpu_count: "many" } },
          { ref: "same", class: "linux_server", name: "db-1", identifiers: { serialNumber: "SER-DB" } },
          { ref: "svc", class: "business_service", name: "Billing service" },
        ],
        relationships: [
          { source: { ref: "app" }, type: "runs_on", target: { ref: "db" } },
          { source: { ref: "app" }, type: "runs_on", target: { ref: "db" } },
          { source: { ref: "svc" }, type: "depends_on", target: { ref: "app" } },
          { source: { ref: "bad" }, type: "runs_on", target: { ref: "db" } },
          { source: { ref: "app" }, type: "likes", target: { id: existing.ci.id } },
          { source: { ref: "app" }, type: "runs_on", target: { ref: "app" } },
        ],
      });
      expect(res.statusCode, res.body).toBe(200);
      const { cis, relationships } = res.json();
      expect(cis.map((c: { outcome: string }) => c.outcome)).toEqual(["created", "updated", "error", "unchanged", "created"]);
      expect(cis[1].id).toBe(existing.ci.id);
      expect(cis[2].error).toMatchObject({ error: "cmdb.invalid_attribute", field: "attributes.cpu_count" });
      expect(relationships.map((r: { outcome: string }) => r.outcome)).toEqual(["created", "unchanged", "created", "error", "error", "error"]);
      expect(relationships.slice(3).map((r: { error: { error: string } }) => r.error.error)).toEqual(["cmdb.unknown_ref", "cmdb.unknown_relationship_type", "cmdb.self_relationship"]);
      // Nothing of the failed CI was written: no row, no identifier, no history, no event.
      expect(await total()).toBe(3);
      expect(await t.db.selectFrom("ci_identifiers").select("ci_id").where("value", "=", "broken.example").execute()).toEqual([]);
      const created = (await t.db.selectFrom("outbox").select("type").where("type", "=", "ci.created").execute()).length;
      expect(created).toBe(3);
    });

    it("records a group of new CIs with one history row each, one audit entry and one event naming them all", async () => {
      const res = await bulk({
        source: "discovery",
        cis: [
          { ref: "a", class: "linux_server", name: "bulk-a", identifiers: { serialNumber: "B-1" }, attributes: { cpu_count: 4 } },
          { ref: "b", class: "linux_server", name: "bulk-b", identifiers: { serialNumber: "B-2" } },
          { ref: "c", class: "database", name: "bulk-db", environment: "production" },
        ],
        relationships: [
          { source: { ref: "c" }, type: "runs_on", target: { ref: "a" } },
          { source: { ref: "c" }, type: "runs_on", target: { ref: "b" } },
        ],
      });
      expect(res.statusCode, res.body).toBe(200);
      const ids = res.json().cis.map((c: { id: string }) => c.id);
      const relIds = res.json().relationships.map((r: { id: string }) => r.id);
      const audit = await t.db.selectFrom("audit_log").select(["entity", "action", "actor_id", "after"]).where("entity", "in", ["ci", "ci_batch", "ci_relationship", "ci_relationship_batch"]).execute();
      expect(audit.map((a) => a.entity).sort()).toEqual(["ci_batch", "ci_relationship_batch"]);
      const ciEntry = audit.find((a) => a.entity === "ci_batch")!;
      expect(ciEntry).toMatchObject({ action: "create", actor_id: t.admin.user.id });
      expect(JSON.parse(ciEntry.after!)).toEqual({ source: "discovery", count: 3, ids });
      expect(JSON.parse(audit.find((a) => a.entity === "ci_relationship_batch")!.after!)).toEqual({ source: "discovery", count: 2, ids: relIds });
      const events = await t.db.selectFrom("outbox").select(["type", "payload"]).where("type", "in", ["ci.created", "ci_relationship.created"]).orderBy("id").execute();
      expect(events.map((e) => [e.type, JSON.parse(e.payload)])).toEqual([
        ["ci.created", { ids, count: 3, source: "discovery" }],
        ["ci_relationship.created", { ids: relIds, count: 2, source: "discovery" }],
      ]);
      // Each CI: one history row holding every field it was created with, and its fields' source.
      expect(await t.db.selectFrom("ci_changes").select("ci_id").where("ci_id", "in", ids).execute()).toHaveLength(3);
      const history = (await t.app.inject({ url: `/api/v1/cis/${ids[0]}/history?sort=at`, headers: t.admin.auth })).json();
      expect(history.items.map((h: { field: string }) => h.field)).toEqual(["class", "name", "lifecycleStatus", "operationalStatus", "attributes.cpu_count", "identifiers.serialNumber"]);
      expect(history.items.every((h: { source: string; actorId: string; old: unknown }) => h.source === "discovery" && h.actorId === t.admin.user.id && h.old === null)).toBe(true);
      const sources = (await t.app.inject({ url: `/api/v1/cis/${ids[2]}/sources`, headers: t.admin.auth })).json().items;
      expect(sources.map((s: { field: string; source: string }) => [s.field, s.source])).toEqual([
        ["class", "discovery"],
        ["environment", "discovery"],
        ["lifecycleStatus", "discovery"],
        ["name", "discovery"],
        ["operationalStatus", "discovery"],
      ]);
    });

    it("creates a new CI exactly as identify does alone: same fields, history and sources", async () => {
      const body = (name: string, n: number) => ({
        class: "linux_server",
        name: `  ${name}  `,
        environment: "staging",
        attributes: { cpu_count: 8, os_version: null, virtual: true },
        identifiers: { serialNumber: "none", hostname: `Host-${n}.Example.`, ipAddresses: [`10.9.0.${n}`, `10.9.0.${n} `], macAddresses: [] },
      });
      const alone = await identify({ source: "discovery", ...body("alone", 1) });
      const res = await bulk({ source: "discovery", cis: [{ ref: "b", ...body("batched", 2) }] });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().cis[0].outcome).toBe("created");
      const read = async (id: string) => (await t.app.inject({ url: `/api/v1/cis/${id}`, headers: t.admin.auth })).json();
      const [a, b] = [await read(alone.ci.id), await read(res.json().cis[0].id)];
      const strip = (ci: Record<string, unknown>) => ({ ...ci, id: undefined, name: undefined, createdAt: undefined, updatedAt: undefined, identifiers: undefined });
      expect(strip(b)).toEqual(strip(a));
      expect(b.name).toBe("batched");
      expect(b.identifiers).toEqual({ hostname: "host-2.example", ipAddresses: ["10.9.0.2"] });
      expect(Object.keys(b.attributes)).toEqual(["cpu_count", "virtual"]);
      const history = async (id: string) =>
        (await t.app.inject({ url: `/api/v1/cis/${id}/history?sort=at`, headers: t.admin.auth })).json().items.map((h: { field: string; old: unknown; new: unknown }) => [h.field, h.old, h.new]);
      const [ha, hb] = [await history(alone.ci.id), await history(b.id)];
      const ours = (rows: unknown[][]) => rows.map(([f, o, v]) => [f, o, f === "name" || String(f).startsWith("identifiers.") ? typeof v : v]);
      expect(ours(hb)).toEqual(ours(ha));
      expect(hb.map((h: unknown[]) => h[0])).toEqual(["class", "name", "lifecycleStatus", "operationalStatus", "environment", "attributes.cpu_count", "attributes.virtual", "identifiers.hostname", "identifiers.ipAddresses"]);
      const sources = async (id: string) => (await t.app.inject({ url: `/api/v1/cis/${id}/sources`, headers: t.admin.auth })).json().items.map((s: { field: string; source: string }) => [s.field, s.source]);
      expect(await sources(b.id)).toEqual(await sources(alone.ci.id));
    });

    it("refuses an unknown field in an item before writing anything", async () => {
      const res = await bulk({ cis: [{ class: "server", name: "ok" }, { class: "server", name: "x", colour: "red" }] });
      expect(res.statusCode).toBe(400);
      expect(res.json().details.field).toBe("cis.1.colour");
      expect(await total()).toBe(0);
    });
  });
});
