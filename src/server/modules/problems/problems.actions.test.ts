import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, type TestUser } from "../../../../test/helpers/test-app.js";

describe("problem action items", () => {
  let t: TestApp;
  let agent: TestUser;
  beforeEach(async () => {
    t = await createTestApp();
    agent = await t.user("agent");
  });
  afterEach(async () => t.close());

  const problem = async (body: Record<string, unknown> = {}) =>
    (await t.app.inject({ method: "POST", url: "/api/v1/problems", headers: t.admin.auth, payload: { title: "Backups fail", ...body } })).json();
  const add = (ref: string, body: Record<string, unknown>, who: TestUser = t.admin) =>
    t.app.inject({ method: "POST", url: `/api/v1/problems/${ref}/actions`, headers: who.auth, payload: body });
  const patch = (ref: string, id: string, body: Record<string, unknown>, who: TestUser = t.admin) =>
    t.app.inject({ method: "PATCH", url: `/api/v1/problems/${ref}/actions/${id}`, headers: who.auth, payload: body });
  const list = async (ref: string, who: TestUser = t.admin) => (await t.app.inject({ url: `/api/v1/problems/${ref}/actions`, headers: who.auth })).json().items;

  it("adds, lists, completes and removes action items, noting each on the timeline and in the audit trail", async () => {
    const p = await problem();
    const created = await add(p.number, { title: "  Add disk space alert  ", ownerId: agent.user.id, dueDate: "2999-01-31" });
    expect(created.statusCode, created.body).toBe(201);
    const a = created.json();
    expect(a).toMatchObject({ problemId: p.id, title: "Add disk space alert", owner: { id: agent.user.id, name: agent.user.name }, dueDate: "2999-01-31", done: false, overdue: false, doneAt: null });
    const late = (await add(p.id, { title: "Review backup schedule", dueDate: "2000-01-01" })).json();
    expect(late).toMatchObject({ overdue: true, owner: null });
    expect((await list(p.number)).map((x: { id: string }) => x.id)).toEqual([a.id, late.id]);

    const done = (await patch(p.number, late.id, { done: true })).json();
    expect(done).toMatchObject({ done: true, overdue: false, doneAt: expect.any(String) });
    const reopened = (await patch(p.number, late.id, { done: false, dueDate: null })).json();
    expect(reopened).toMatchObject({ done: false, doneAt: null, dueDate: null, overdue: false });

    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/problems/${p.number}/actions/${a.id}`, headers: t.admin.auth })).statusCode).toBe(204);
    expect(await list(p.number)).toHaveLength(1);

    const timeline = (await t.app.inject({ url: `/api/v1/tickets/${p.number}/timeline`, headers: t.admin.auth })).json().items;
    const notes = timeline.filter((e: { type: string; public: boolean }) => e.type === "system").map((e: { body: string; public: boolean }) => [e.body, e.public]);
    expect(notes).toEqual([
      ["Action item added: Add disk space alert", false],
      ["Action item added: Review backup schedule", false],
      ["Action item done: Review backup schedule", false],
      ["Action item reopened: Review backup schedule", false],
      ["Action item removed: Add disk space alert", false],
    ]);
    const audit = await t.db.selectFrom("audit_log").select(["action", "entity_id"]).where("entity", "=", "problem_action").orderBy("id").execute();
    expect(audit.map((r) => r.action)).toEqual(["create", "create", "update", "update", "delete"]);
    const events = await t.db.selectFrom("outbox").select("type").where("type", "like", "problem.action%").execute();
    expect(events.map((e) => e.type)).toEqual(["problem.action_created", "problem.action_created", "problem.action_updated", "problem.action_updated", "problem.action_deleted"]);
  });

  it("refuses bad input with 400 naming the field", async () => {
    const p = await problem();
    const requester = await t.user("requester");
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, "title"],
      [{ title: "" }, "title"],
      [{ title: "x", dueDate: "31/01/2030" }, "dueDate"],
      [{ title: "x", ownerId: "no-such-user" }, "ownerId"],
      [{ title: "x", ownerId: requester.user.id }, "ownerId"],
      [{ title: "x", done: true }, "done"],
    ];
    for (const [body, field] of cases) {
      const res = await add(p.number, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().details.field, JSON.stringify(body)).toBe(field);
    }
    const a = (await add(p.number, { title: "ok" })).json();
    expect((await patch(p.number, a.id, {})).statusCode).toBe(400);
    expect((await patch(p.number, a.id, { ownerId: requester.user.id })).json()).toMatchObject({ error: "problem_action.owner_not_agent", details: { field: "ownerId" } });
  });

  it("answers 404 for unknown problems, non-problem tickets and unknown or foreign action items", async () => {
    const p = await problem();
    const other = await problem();
    const incident = (await t.app.inject({ method: "POST", url: "/api/v1/incidents", headers: t.admin.auth, payload: { title: "x" } })).json();
    expect((await add("PRB9999999", { title: "x" })).json().error).toBe("problem.not_found");
    expect((await add(incident.number, { title: "x" })).json().error).toBe("problem.not_found");
    expect((await t.app.inject({ url: `/api/v1/problems/${incident.number}/actions`, headers: t.admin.auth })).statusCode).toBe(404);
    const a = (await add(p.number, { title: "x" })).json();
    const foreign = await patch(other.number, a.id, { done: true });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error).toBe("problem_action.not_found");
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/problems/${p.number}/actions/nope`, headers: t.admin.auth })).statusCode).toBe(404);
  });

  it("lets viewers read but not write, and keeps requesters out", async () => {
    const p = await problem();
    const viewer = await t.user("viewer");
    const requester = await t.user("requester");
    const a = (await add(p.number, { title: "x" })).json();
    expect(await list(p.number, viewer)).toHaveLength(1);
    expect((await add(p.number, { title: "y" }, viewer)).statusCode).toBe(403);
    expect((await patch(p.number, a.id, { done: true }, viewer)).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/v1/problems/${p.number}/actions`, headers: requester.auth })).statusCode).toBe(403);
  });

  it("under the group edit policy, lets only group members edit, but the owner may always tick their item off", async () => {
    const group = (await t.app.inject({ method: "POST", url: "/api/v1/groups", headers: t.admin.auth, payload: { name: "Storage" } })).json();
    const member = await t.user("agent");
    expect((await t.app.inject({ method: "PUT", url: `/api/v1/groups/${group.id}/members/${member.user.id}`, headers: t.admin.auth })).statusCode).toBeLessThan(300);
    const p = await problem({ assignmentGroupId: group.id });
    expect((await add(p.number, { title: "by outsider" }, agent)).json().error).toBe("ticket.not_in_group");
    const a = (await add(p.number, { title: "Replace tape drive", ownerId: agent.user.id }, member)).json();
    expect((await patch(p.number, a.id, { title: "renamed" }, agent)).statusCode).toBe(403);
    const done = await patch(p.number, a.id, { done: true }, agent);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().done).toBe(true);
  });

  it("takes no new items on closed or canceled problems", async () => {
    const p = await problem();
    const a = (await add(p.number, { title: "x" })).json();
    await t.app.inject({ method: "POST", url: `/api/v1/tickets/${p.number}/transitions`, headers: t.admin.auth, payload: { transition: "cancel", reason: "dup" } });
    const res = await add(p.number, { title: "y" });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe("problem.finished");
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/problems/${p.number}/actions/${a.id}`, headers: t.admin.auth })).statusCode).toBe(409);
    expect((await patch(p.number, a.id, { done: true })).statusCode).toBe(200);
  });
});
