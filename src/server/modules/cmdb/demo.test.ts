import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { findUserByEmail } from "../users/index.js";
import { DEMO_USERS, demoDataSet, loadDemoData } from "./demo.js";

describe("demo data", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const count = async (table: "cis" | "ci_relationships" | "ci_changes" | "users" | "groups") =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  it("loads a believable company of about 200 CIs, idempotently", async () => {
    const first = await loadDemoData(t.db, SYSTEM_ACTOR);
    const data = demoDataSet();
    expect(first.cis.created).toBe(data.cis.length);
    expect(data.cis.length).toBeGreaterThanOrEqual(190);
    expect(data.cis.length).toBeLessThanOrEqual(230);
    expect(first.relationships.created).toBe(data.relationships.length);
    expect(first.usersCreated).toEqual(DEMO_USERS.map((u) => u.email));
    expect(first.groupsCreated).toEqual(["Service Desk", "Network Ops", "Platform", "Database Admins", "Applications"]);
    const agent = await t.login(DEMO_USERS[0].email, DEMO_USERS[0].password);
    expect(agent.res.statusCode).toBe(200);
    expect((await findUserByEmail(t.db, DEMO_USERS[2].email))?.role).toBe("requester");

    const before = { cis: await count("cis"), rels: await count("ci_relationships"), history: await count("ci_changes"), users: await count("users"), groups: await count("groups") };
    const second = await loadDemoData(t.db, SYSTEM_ACTOR);
    expect(second.cis).toEqual({ created: 0, updated: 0, unchanged: data.cis.length });
    expect(second.relationships).toEqual({ created: 0, unchanged: data.relationships.length });
    expect(second.usersCreated).toEqual([]);
    expect(second.groupsCreated).toEqual([]);
    expect({ cis: await count("cis"), rels: await count("ci_relationships"), history: await count("ci_changes"), users: await count("users"), groups: await count("groups") }).toEqual(before);
  });

  it("gives a business service a dependency map that reaches databases and servers, in colour", async () => {
    await loadDemoData(t.db, SYSTEM_ACTOR);
    const services = (await t.app.inject({ url: "/api/v1/cis?class=business_service", headers: t.admin.auth })).json();
    expect(services.items.map((s: { name: string }) => s.name)).toEqual(["Email", "Online Shop", "Payroll"]);
    const shop = services.items.find((s: { name: string }) => s.name === "Online Shop");
    expect(shop.operationalStatus).toBe("degraded");
    const deps = await t.app.inject({ url: `/api/v1/cis/${shop.id}/dependencies`, headers: t.admin.auth });
    expect(deps.statusCode, deps.body).toBe(200);
    const classes = new Set(deps.json().items.map((i: { ci: { class: string } }) => i.ci.class));
    for (const c of ["application_service", "application", "database", "kubernetes_workload", "kubernetes_cluster", "kubernetes_node", "virtual_machine", "linux_server", "load_balancer", "storage"]) {
      expect(classes, c).toContain(c);
    }
    const statuses = new Set(deps.json().items.map((i: { ci: { operationalStatus: string } }) => i.ci.operationalStatus));
    expect(statuses).toContain("down");
    expect(statuses).toContain("degraded");
    // And the other way: a database server's failure reaches the shop.
    const db01 = (await t.app.inject({ url: "/api/v1/cis?q=db-01.acme.lan", headers: t.admin.auth })).json().items[0];
    const impacted = await t.app.inject({ url: `/api/v1/cis/${db01.id}/services`, headers: t.admin.auth });
    expect(impacted.json().items.map((i: { ci: { name: string } }) => i.ci.name)).toContain("Online Shop");
  });
});
