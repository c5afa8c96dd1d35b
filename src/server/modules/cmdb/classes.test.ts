import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { ensureCmdbDefaults } from "./classes.service.js";
import { DEFAULT_CLASSES } from "./cmdb.classes.js";

describe("CI classes", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const addClass = (payload: object, headers = t.admin.auth) => t.app.inject({ method: "POST", url: "/api/v1/ci-classes", headers, payload });

  it("ships the default hierarchy once, however often the app starts", async () => {
    await ensureCmdbDefaults(t.db);
    const items = (await t.app.inject({ url: "/api/v1/ci-classes", headers: t.admin.auth })).json().items;
    expect(items).toHaveLength(DEFAULT_CLASSES.length);
    const linux = items.find((c: { name: string }) => c.name === "linux_server");
    expect(linux.path).toEqual(["server", "linux_server"]);
    expect(linux.allAttributes.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(["os_version", "cpu_count", "distribution"]));
    expect(linux.allAttributes.find((a: { name: string }) => a.name === "os_version").inheritedFrom).toBe("server");
    expect(linux.identificationRules[0]).toEqual(["serial_number"]);
    for (const name of ["business_service", "technical_service", "application_service", "web_server", "middleware", "kubernetes_workload", "load_balancer", "mobile_device", "cloud_resource", "unidentified"]) {
      expect(items.some((c: { name: string }) => c.name === name), name).toBe(true);
    }
  });

  it("lets admins add a class and an attribute that subclasses inherit and writes must respect", async () => {
    const created = await addClass({
      name: "nas_appliance",
      label: "NAS appliance",
      parent: "storage",
      attributes: [{ name: "protocol", type: "enum", allowedValues: ["nfs", "smb"], required: true }],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().identificationRules[0]).toEqual(["serial_number"]);
    const missing = await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: "nas_appliance", name: "nas-1" } });
    expect(missing.json()).toMatchObject({ error: "cmdb.invalid_attribute", details: { field: "attributes.protocol" } });
    const ok = await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: "nas_appliance", name: "nas-1", attributes: { protocol: "nfs", capacity_gb: 4000 } } });
    expect(ok.statusCode, ok.body).toBe(201);

    const attr = await t.app.inject({ method: "POST", url: "/api/v1/ci-classes/storage/attributes", headers: t.admin.auth, payload: { name: "raid_level", type: "string" } });
    expect(attr.statusCode, attr.body).toBe(201);
    const sub = (await t.app.inject({ url: "/api/v1/ci-classes/nas_appliance", headers: t.admin.auth })).json();
    expect(sub.allAttributes.find((a: { name: string }) => a.name === "raid_level")).toMatchObject({ inheritedFrom: "storage" });
    // Required attributes cannot appear under existing CIs; names cannot clash within a lineage.
    const required = await t.app.inject({ method: "POST", url: "/api/v1/ci-classes/storage/attributes", headers: t.admin.auth, payload: { name: "site", type: "string", required: true } });
    expect(required.statusCode).toBe(409);
    const clash = await t.app.inject({ method: "POST", url: "/api/v1/ci-classes/storage/attributes", headers: t.admin.auth, payload: { name: "protocol", type: "string" } });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().details.field).toBe("name");
  });

  it("refuses bad class definitions with 400 naming the field", async () => {
    expect((await addClass({ name: "x", label: "X", parent: "nothing" })).json().details.field).toBe("parent");
    expect((await addClass({ name: "Bad Name", label: "X" })).json().details.field).toBe("name");
    expect((await addClass({ name: "x", label: "X", attributes: [{ name: "e", type: "enum" }] })).json().details.field).toBe("attributes.0.allowedValues");
    expect((await addClass({ name: "server", label: "Again" })).statusCode).toBe(409);
    expect((await t.app.inject({ url: "/api/v1/ci-classes/nothing", headers: t.admin.auth })).statusCode).toBe(404);
  });

  it("keeps class administration to admins", async () => {
    const agent = await t.user("agent");
    expect((await addClass({ name: "x", label: "X" }, agent.auth)).statusCode).toBe(403);
    expect((await t.app.inject({ url: "/api/v1/ci-classes", headers: agent.auth })).statusCode).toBe(200);
  });
});
