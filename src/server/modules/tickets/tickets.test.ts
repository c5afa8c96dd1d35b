import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, type TestUser } from "../../../../test/helpers/test-app.js";
import { sql } from "kysely";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { addMember, createGroup } from "../users/index.js";

let t: TestApp;
let agent: TestUser;
let requester: TestUser;
let groupId: string;

beforeEach(async () => {
  t = await createTestApp();
  agent = await t.user("agent");
  requester = await t.user("requester");
  const group = await createGroup(t.db, SYSTEM_ACTOR, { name: "Service Desk" });
  groupId = group.id;
  await addMember(t.db, SYSTEM_ACTOR, groupId, agent.user.id);
});
afterEach(async () => t.close());

const post = (who: TestUser, url: string, payload: unknown) => t.app.inject({ method: "POST", url, headers: who.auth, payload: payload as object });
const get = (who: TestUser, url: string) => t.app.inject({ method: "GET", url, headers: who.auth });
const patch = (who: TestUser, url: string, payload: unknown) => t.app.inject({ method: "PATCH", url, headers: who.auth, payload: payload as object });

async function incident(body: Record<string, unknown> = {}, who: TestUser = agent) {
  const res = await post(who, "/api/v1/incidents", { title: "Mail is down", ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe("ticket core", () => {
  it("numbers tickets per kind and computes incident priority from the matrix", async () => {
    const a = await incident({ impact: 1, urgency: 1 });
    const b = await incident({ impact: 2, urgency: 3 });
    expect(a.number).toBe("INC0001001");
    expect(b.number).toBe("INC0001002");
    expect(a.priority).toBe(1);
    expect(b.priority).toBe(4);
    const req = await post(agent, "/api/v1/requests", { title: "New laptop" });
    expect(req.json().number).toBe("REQ0001001");
    expect(a.state).toBe("new");
    expect(a.allowedTransitions.map((x: { name: string }) => x.name)).toContain("resolve");
    // The matrix is editable.
    await patch(t.admin, "/api/v1/tickets/settings", { priorityMatrix: [[2, 2, 3], [2, 3, 4], [3, 4, 5]] });
    expect((await incident({ impact: 1, urgency: 1 })).priority).toBe(2);
    const refused = await patch(agent, `/api/v1/tickets/${a.number}`, { priority: 5 });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().details.field).toBe("priority");
  });

  it("enforces the incident flow: allowed, refused and required fields", async () => {
    const inc = await incident();
    const bad = await post(agent, `/api/v1/tickets/${inc.number}/transitions`, { transition: "close" });
    expect(bad.statusCode).toBe(409);
    expect(bad.json().error).toBe("ticket.invalid_transition");
    expect(bad.json().details.allowed).toEqual(expect.arrayContaining(["start", "resolve", "hold", "cancel"]));
    const missing = await post(agent, `/api/v1/tickets/${inc.number}/transitions`, { transition: "resolve", resolutionCode: "solved_permanently" });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details.field).toBe("resolutionNotes");
    const hold = await post(agent, `/api/v1/tickets/${inc.number}/transitions`, { transition: "hold" });
    expect(hold.json().details.field).toBe("onHoldReason");
    const held = await post(agent, `/api/v1/tickets/${inc.number}/transitions`, { transition: "hold", onHoldReason: "awaiting_vendor" });
    expect(held.json()).toMatchObject({ state: "on_hold", onHoldReason: "awaiting_vendor", open: true });
    const unknown = await post(agent, `/api/v1/tickets/${inc.number}/transitions`, { transition: "explode" });
    expect(unknown.statusCode).toBe(400);
    const resolved = await post(agent, `/api/v1/tickets/${inc.number}/transitions`, { transition: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "Restarted the MTA" });
    expect(resolved.json()).toMatchObject({ state: "resolved", open: false, onHoldReason: null, resolutionCode: "solved_permanently" });
    expect(resolved.json().resolvedAt).toBeTruthy();
    const reopened = await post(agent, `/api/v1/tickets/${inc.number}/transitions`, { transition: "reopen", reason: "Still broken" });
    expect(reopened.json()).toMatchObject({ state: "in_progress", resolvedAt: null, resolutionCode: null });
  });

  it("lets exactly one of two concurrent transitions win", async () => {
    const inc = await incident();
    const results = await Promise.all([
      post(agent, `/api/v1/tickets/${inc.number}/transitions`, { transition: "resolve", resolutionCode: "a", resolutionNotes: "one" }),
      post(agent, `/api/v1/tickets/${inc.number}/transitions`, { transition: "cancel", reason: "two" }),
      post(agent, `/api/v1/tickets/${inc.number}/transitions`, { transition: "resolve", resolutionCode: "b", resolutionNotes: "three" }),
    ]);
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(2);
    const timeline = (await get(agent, `/api/v1/tickets/${inc.number}/timeline`)).json().items;
    expect(timeline.filter((e: { type: string }) => e.type === "state_change")).toHaveLength(1);
  });

  it("keeps work notes and other people's tickets from requesters", async () => {
    const other = await t.user("requester");
    const mine = await incident({}, requester);
    expect(mine.requester.id).toBe(requester.user.id);
    expect(mine.channel).toBe("portal");
    const theirs = await incident({}, other);
    await post(agent, `/api/v1/tickets/${mine.number}/comments`, { body: "We are on it", type: "comment" });
    await post(agent, `/api/v1/tickets/${mine.number}/comments`, { body: "Probably the SAN again", type: "work_note" });
    const timeline = (await get(requester, `/api/v1/tickets/${mine.number}/timeline`)).json().items;
    expect(timeline.map((e: { body: string }) => e.body)).toContain("We are on it");
    expect(timeline.map((e: { body: string }) => e.body)).not.toContain("Probably the SAN again");
    expect((await get(agent, `/api/v1/tickets/${mine.number}/timeline`)).json().items.map((e: { body: string }) => e.body)).toContain("Probably the SAN again");
    expect((await get(requester, `/api/v1/tickets/${theirs.number}`)).statusCode).toBe(404);
    expect((await get(requester, `/api/v1/tickets/${theirs.number}/timeline`)).statusCode).toBe(404);
    expect((await get(requester, `/api/v1/tickets/${theirs.number}/attachments`)).statusCode).toBe(404);
    const list = (await get(requester, "/api/v1/tickets?q=Mail")).json();
    expect(list.items.map((i: { number: string }) => i.number)).toEqual([mine.number]);
    expect((await get(requester, `/api/v1/tickets?requesterId=${other.user.id}`)).json().items).toEqual([]);
    const note = await post(requester, `/api/v1/tickets/${mine.number}/comments`, { body: "secret", type: "work_note" });
    expect(note.statusCode).toBe(403);
    const field = await post(requester, "/api/v1/incidents", { title: "x", assigneeId: agent.user.id });
    expect(field.statusCode).toBe(403);
    expect(field.json().details.field).toBe("assigneeId");
    expect((await post(requester, "/api/v1/changes", { title: "x" })).statusCode).toBe(403);
    expect((await patch(requester, `/api/v1/tickets/${mine.number}`, { title: "mine" })).statusCode).toBe(403);
    // The requester reopens their resolved incident.
    await post(agent, `/api/v1/tickets/${mine.number}/transitions`, { transition: "resolve", resolutionCode: "x", resolutionNotes: "done" });
    const reopen = await post(requester, `/api/v1/tickets/${mine.number}/transitions`, { transition: "reopen", reason: "Not fixed" });
    expect(reopen.statusCode, reopen.body).toBe(200);
    expect((await post(requester, `/api/v1/tickets/${mine.number}/transitions`, { transition: "cancel", reason: "x" })).statusCode).toBe(403);
  });

  it("enforces the edit policy for agents outside the assignment group", async () => {
    const outsider = await t.user("agent");
    const inc = await incident({ assignmentGroupId: groupId, assigneeId: agent.user.id });
    expect((await get(outsider, `/api/v1/tickets/${inc.number}`)).statusCode).toBe(200);
    const denied = await patch(outsider, `/api/v1/tickets/${inc.number}`, { title: "mine now" });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toBe("ticket.not_in_group");
    expect((await get(outsider, `/api/v1/tickets/${inc.number}`)).json().allowedTransitions).toEqual([]);
    expect((await post(outsider, `/api/v1/tickets/${inc.number}/transitions`, { transition: "start" })).statusCode).toBe(403);
    await patch(t.admin, "/api/v1/tickets/settings", { editPolicy: "any_agent" });
    expect((await patch(outsider, `/api/v1/tickets/${inc.number}`, { title: "mine now" })).statusCode).toBe(200);
  });

  it("changes the settings and writes their audit entry together, or neither", async () => {
    const edit = { editPolicy: "any_agent" };
    // The audit entry of a settings change cannot be written (as a full disk would refuse it).
    if (isPostgres(t.db)) {
      await sql`create function refuse_settings_audit() returns trigger language plpgsql as $$ begin if new.entity = 'ticket_settings' then raise exception 'audit refused'; end if; return new; end $$`.execute(t.db);
      await sql`create trigger settings_audit_boom before insert on audit_log for each row execute function refuse_settings_audit()`.execute(t.db);
    } else {
      await sql`create trigger settings_audit_boom before insert on audit_log when new.entity = 'ticket_settings' begin select raise(abort, 'audit refused'); end`.execute(t.db);
    }
    const failed = await patch(t.admin, "/api/v1/tickets/settings", edit);
    expect(failed.statusCode).toBe(500);
    // Nothing of the change remains, and no cached copy says otherwise.
    expect((await get(t.admin, "/api/v1/tickets/settings")).json().editPolicy).toBe("group_members");
    expect(await t.db.selectFrom("settings").select("key").where("key", "=", "tickets").executeTakeFirst()).toBeUndefined();
    await sql`drop trigger settings_audit_boom${isPostgres(t.db) ? sql` on audit_log` : sql``}`.execute(t.db);
    const done = await patch(t.admin, "/api/v1/tickets/settings", edit);
    expect(done.statusCode, done.body).toBe(200);
    expect((await get(t.admin, "/api/v1/tickets/settings")).json().editPolicy).toBe("any_agent");
    const audit = await t.db.selectFrom("audit_log").select(["action", "before", "after"]).where("entity", "=", "ticket_settings").execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].before!).editPolicy).toBe("group_members");
    expect(JSON.parse(audit[0].after!).editPolicy).toBe("any_agent");
  });

  it("validates references, refuses stale edits and records field changes", async () => {
    const outsider = await t.user("agent");
    const notMember = await post(agent, "/api/v1/incidents", { title: "x", assignmentGroupId: groupId, assigneeId: outsider.user.id });
    expect(notMember.statusCode).toBe(400);
    expect(notMember.json().details.field).toBe("assigneeId");
    expect((await post(agent, "/api/v1/incidents", { title: "x", ciId: "nope" })).json().details.field).toBe("ciId");
    expect((await post(agent, "/api/v1/incidents", { title: "" })).statusCode).toBe(400);
    const inc = await incident();
    const ok = await patch(agent, `/api/v1/tickets/${inc.number}`, { title: "Mail is slow", urgency: 1, version: inc.version });
    expect(ok.json()).toMatchObject({ title: "Mail is slow", version: inc.version + 1, priority: 3 });
    const stale = await patch(agent, `/api/v1/tickets/${inc.number}`, { title: "again", version: inc.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toBe("ticket.stale");
    const entries = (await get(agent, `/api/v1/tickets/${inc.number}/timeline`)).json().items;
    const change = entries.find((e: { type: string }) => e.type === "field_change");
    expect(change.data.changes).toEqual(expect.arrayContaining([{ field: "title", from: "Mail is down", to: "Mail is slow" }]));
  });

  it("links tickets on both sides and resolves children with their parent", async () => {
    const parent = await incident({ title: "Core switch down", major: true });
    const child = await incident({ title: "Cannot print", parent: parent.number });
    const other = await incident({ title: "VPN flaky" });
    const links = (await get(agent, `/api/v1/tickets/${parent.number}/links`)).json().items;
    expect(links).toEqual([expect.objectContaining({ type: "parent_of", ticket: expect.objectContaining({ number: child.number }) })]);
    const rel = await post(agent, `/api/v1/tickets/${other.number}/links`, { type: "related_to", target: parent.number });
    expect(rel.statusCode).toBe(201);
    expect((await post(agent, `/api/v1/tickets/${other.number}/links`, { type: "related_to", target: parent.number })).statusCode).toBe(409);
    expect((await post(agent, `/api/v1/tickets/${parent.number}/links`, { type: "child_of", target: child.number })).statusCode).toBe(400);
    expect((await post(agent, `/api/v1/tickets/${other.number}/links`, { type: "related_to", target: other.number })).statusCode).toBe(400);
    await post(agent, `/api/v1/tickets/${parent.number}/comments`, { body: "Status page updated", type: "communication" });
    const res = await post(agent, `/api/v1/tickets/${parent.number}/transitions`, { transition: "resolve", resolutionCode: "solved_permanently", resolutionNotes: "Replaced the supervisor module" });
    expect(res.statusCode).toBe(200);
    const c = (await get(agent, `/api/v1/tickets/${child.number}`)).json();
    expect(c.state).toBe("resolved");
    expect(c.resolutionNotes).toContain(parent.number);
  });

  it("searches by number and by words, filters and sorts", async () => {
    const a = await incident({ title: "Printer jam on floor 3", impact: 1, urgency: 1, assignmentGroupId: groupId });
    await incident({ title: "Password reset", description: "User locked out of the printer portal" });
    await incident({ title: "Disk full on db01", impact: 3, urgency: 3 });
    const byNumber = (await get(agent, `/api/v1/tickets?q=${a.number.toLowerCase()}`)).json();
    expect(byNumber.items.map((i: { number: string }) => i.number)).toEqual([a.number]);
    const words = (await get(agent, "/api/v1/tickets?q=print")).json();
    expect(words.total).toBe(2);
    const p1 = (await get(agent, `/api/v1/incidents?priority=1,2&open=true&assignmentGroupId=mine&sort=-createdAt`)).json();
    expect(p1.items.map((i: { number: string }) => i.number)).toEqual([a.number]);
    const byPriority = (await get(agent, "/api/v1/tickets?sort=priority")).json();
    expect(byPriority.items[0].number).toBe(a.number);
    expect((await get(agent, "/api/v1/tickets?q=%22%3B--")).statusCode).toBe(200);
    expect((await get(agent, "/api/v1/tickets?priority=9")).statusCode).toBe(400);
  });

  it("filters changes by their planned window", async () => {
    const day = (d: number) => new Date(Date.UTC(2030, 0, d, 10)).toISOString();
    const inWeek = await post(agent, "/api/v1/changes", { title: "Patch db01", change: { type: "normal", plannedStart: day(7), plannedEnd: day(8) } });
    expect(inWeek.statusCode, inWeek.body).toBe(201);
    await post(agent, "/api/v1/changes", { title: "Replace UPS", change: { type: "normal", plannedStart: day(20), plannedEnd: day(21) } });
    await post(agent, "/api/v1/changes", { title: "Unplanned" });
    const list = (await get(agent, `/api/v1/changes?plannedFrom=${day(6)}&plannedTo=${day(13)}`)).json();
    expect(list.items.map((i: { title: string }) => i.title)).toEqual(["Patch db01"]);
  });

  it("bulk-assigns and answers per ticket", async () => {
    const a = await incident();
    const b = await incident();
    const res = await post(agent, "/api/v1/tickets/bulk", { refs: [a.number, b.number, "INC0999999"], assign: { assignmentGroupId: groupId, assigneeId: agent.user.id } });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((i: { ok: boolean }) => i.ok)).toEqual([true, true, false]);
    expect(res.json().items[2].error).toBe("ticket.not_found");
    expect((await post(requester, "/api/v1/tickets/bulk", { refs: [a.number], assign: { assigneeId: null } })).statusCode).toBe(403);
  });
});
