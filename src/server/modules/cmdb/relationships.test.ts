import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";

describe("relationships", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const ci = async (name: string, cls = "linux_server") =>
    (await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: cls, name } })).json() as { id: string };
  const relate = (sourceId: string, type: string, targetId: string, headers = t.admin.auth) =>
    t.app.inject({ method: "POST", url: "/api/v1/relationships", headers, payload: { sourceId, type, targetId } });

  it("ships the default types with both names and an impact direction", async () => {
    const types = (await t.app.inject({ url: "/api/v1/relationship-types", headers: t.admin.auth })).json().items;
    expect(types.map((x: { name: string }) => x.name)).toEqual(
      expect.arrayContaining(["depends_on", "runs_on", "hosted_on", "connects_to", "contains", "virtualized_by", "cluster_of", "provides"]),
    );
    expect(types.find((x: { name: string }) => x.name === "runs_on")).toMatchObject({ label: "runs on", reverseLabel: "runs", impact: "target_to_source", builtin: true });
  });

  it("relates CIs and lists them from both sides with the right name", async () => {
    const app = await ci("billing", "application");
    const host = await ci("host-1");
    const res = await relate(app.id, "runs_on", host.id);
    expect(res.statusCode, res.body).toBe(201);
    const fromApp = (await t.app.inject({ url: `/api/v1/cis/${app.id}/relationships`, headers: t.admin.auth })).json().items;
    const fromHost = (await t.app.inject({ url: `/api/v1/cis/${host.id}/relationships`, headers: t.admin.auth })).json().items;
    expect(fromApp).toEqual([expect.objectContaining({ type: "runs_on", direction: "outgoing", label: "runs on", ci: expect.objectContaining({ id: host.id }) })]);
    expect(fromHost).toEqual([expect.objectContaining({ type: "runs_on", direction: "incoming", label: "runs", ci: expect.objectContaining({ id: app.id }) })]);
    const listed = (await t.app.inject({ url: `/api/v1/relationships?ciId=${host.id}`, headers: t.admin.auth })).json();
    expect(listed.total).toBe(1);
  });

  it("refuses self-relationships, duplicates, unknown CIs and unknown types", async () => {
    const a = await ci("a");
    const b = await ci("b");
    const self = await relate(a.id, "depends_on", a.id);
    expect(self.statusCode).toBe(400);
    expect(self.json()).toMatchObject({ error: "cmdb.self_relationship", details: { field: "targetId" } });
    expect((await relate(a.id, "depends_on", b.id)).statusCode).toBe(201);
    const dup = await relate(a.id, "depends_on", b.id);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toBe("cmdb.duplicate_relationship");
    expect((await relate(a.id, "runs_on", b.id)).statusCode).toBe(201); // another type is another fact
    const missing = await relate(a.id, "depends_on", "00000000-0000-0000-0000-000000000000");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe("ci.not_found");
    const type = await relate(a.id, "likes", b.id);
    expect(type.statusCode).toBe(400);
    expect(type.json().details.field).toBe("type");
  });

  it("deletes relationships, and a CI's relationships go with it", async () => {
    const a = await ci("a");
    const b = await ci("b");
    const c = await ci("c");
    const rel = (await relate(a.id, "connects_to", b.id)).json();
    await relate(c.id, "connects_to", b.id);
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/relationships/${rel.id}`, headers: t.admin.auth })).statusCode).toBe(204);
    expect((await t.app.inject({ url: `/api/v1/relationships/${rel.id}`, headers: t.admin.auth })).statusCode).toBe(404);
    await t.app.inject({ method: "DELETE", url: `/api/v1/cis/${c.id}`, headers: t.admin.auth });
    expect((await t.app.inject({ url: `/api/v1/relationships?ciId=${b.id}`, headers: t.admin.auth })).json().total).toBe(0);
  });

  it("deleting a CI deletes its relationships with the events and audit entries an explicit delete leaves", async () => {
    const a = await ci("a");
    const b = await ci("b");
    const c = await ci("c");
    const out = (await relate(a.id, "depends_on", b.id)).json();
    const into = (await relate(c.id, "connects_to", a.id)).json();
    const other = (await relate(b.id, "connects_to", c.id)).json();
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/cis/${a.id}`, headers: t.admin.auth })).statusCode).toBe(204);

    const events = await t.db.selectFrom("outbox").select(["type", "payload"]).where("type", "in", ["ci_relationship.deleted", "ci.deleted"]).orderBy("id").execute();
    expect(events.map((e) => e.type)).toEqual(["ci_relationship.deleted", "ci_relationship.deleted", "ci.deleted"]);
    const payloads = events.slice(0, 2).map((e) => JSON.parse(e.payload));
    expect(payloads).toEqual(
      expect.arrayContaining([
        { id: out.id, sourceId: a.id, type: "depends_on", targetId: b.id, deletedWithCi: a.id },
        { id: into.id, sourceId: c.id, type: "connects_to", targetId: a.id, deletedWithCi: a.id },
      ]),
    );
    const audit = await t.db.selectFrom("audit_log").select(["entity_id", "actor_id", "before"]).where("entity", "=", "ci_relationship").where("action", "=", "delete").execute();
    expect(audit.map((r) => r.entity_id).sort()).toEqual([out.id, into.id].sort());
    expect(audit.every((r) => r.actor_id === t.admin.user.id)).toBe(true);
    expect(JSON.parse(audit.find((r) => r.entity_id === out.id)!.before!)).toMatchObject({ sourceId: a.id, type: "depends_on", targetId: b.id });
    // Relationships between other CIs stay.
    expect((await t.app.inject({ url: `/api/v1/relationships/${other.id}`, headers: t.admin.auth })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/v1/relationships?ciId=${b.id}`, headers: t.admin.auth })).json().total).toBe(1);
  });

  it("lets viewers read but not relate, and only admins add types", async () => {
    const viewer = await t.user("viewer");
    const agent = await t.user("agent");
    const a = await ci("a");
    const b = await ci("b");
    expect((await relate(a.id, "depends_on", b.id, viewer.auth)).statusCode).toBe(403);
    expect((await relate(a.id, "depends_on", b.id, agent.auth)).statusCode).toBe(201);
    const type = { name: "backs_up", label: "backs up", reverseLabel: "backed up by", impact: "none" };
    expect((await t.app.inject({ method: "POST", url: "/api/v1/relationship-types", headers: agent.auth, payload: type })).statusCode).toBe(403);
    const created = await t.app.inject({ method: "POST", url: "/api/v1/relationship-types", headers: t.admin.auth, payload: type });
    expect(created.statusCode, created.body).toBe(201);
    expect((await t.app.inject({ method: "POST", url: "/api/v1/relationship-types", headers: t.admin.auth, payload: type })).statusCode).toBe(409);
    expect((await relate(a.id, "backs_up", b.id)).statusCode).toBe(201);
  });
});
