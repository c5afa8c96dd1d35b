import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, type TestUser } from "../../../../test/helpers/test-app.js";
import { getTicket } from "./tickets.service.js";
import { permissionsOf, SYSTEM_ACTOR, type Actor } from "../../platform/auth/permissions.js";
import { addMember, createGroup } from "../users/index.js";

// GET /tickets/:ref answers on SQLite with JSON that SQLite builds (relations included): it
// must be exactly what getTicket and the route's serializer give, for every caller.
let t: TestApp;
let member: TestUser;
let outsider: TestUser;
let requester: TestUser;
let groupId: string;

beforeEach(async () => {
  t = await createTestApp();
  member = await t.user("agent");
  outsider = await t.user("agent");
  requester = await t.user("requester", { name: "Zoe Requester" });
  groupId = (await createGroup(t.db, SYSTEM_ACTOR, { name: "Ops" })).id;
  await addMember(t.db, SYSTEM_ACTOR, groupId, member.user.id);
});
afterEach(async () => t.close());

async function post(who: TestUser, url: string, payload: object) {
  const res = await t.app.inject({ method: "POST", url, headers: who.auth, payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.body ? res.json() : null;
}

async function expectSameAsService(who: TestUser, ref: string) {
  const res = await t.app.inject({ method: "GET", url: `/api/v1/tickets/${ref}`, headers: who.auth });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  const expected = JSON.parse(JSON.stringify(await getTicket(t.db, actorOf(who), ref)));
  expect(res.json(), `${ref} as ${who.user.role}`).toEqual(expected);
  return res.json();
}

/** The caller as the service sees it (role and permissions come from the token's user). */
function actorOf(who: TestUser): Actor {
  const role = who.user.role as NonNullable<Actor["role"]>;
  return { kind: "user", id: who.user.id, name: who.user.name, email: who.user.email, role, permissions: permissionsOf(role), via: "token", ip: null } as Actor;
}

describe("getting a ticket", () => {
  it("answers exactly what the ticket object gives, with services, watchers and allowed transitions", async () => {
    const vm = await post(t.admin, "/api/v1/cis", { class: "linux_server", name: "app01" });
    const app = await post(t.admin, "/api/v1/cis", { class: "application", name: "Shop \"backend\"" });
    const shop = await post(t.admin, "/api/v1/cis", { class: "business_service", name: "Shop" });
    const bank = await post(t.admin, "/api/v1/cis", { class: "business_service", name: "Bank" });
    await post(t.admin, "/api/v1/relationships", { sourceId: app.id, targetId: vm.id, type: "runs_on" });
    await post(t.admin, "/api/v1/relationships", { sourceId: shop.id, targetId: app.id, type: "depends_on" });
    await post(t.admin, "/api/v1/relationships", { sourceId: bank.id, targetId: app.id, type: "depends_on" });
    const inc = await post(member, "/api/v1/incidents", { title: "Shop slow", description: "é \"quoted\" \\ 🚀", ciId: vm.id, assignmentGroupId: groupId, requesterId: requester.user.id, tags: ["web", "p2"], impact: 1, urgency: 2 });
    await post(member, `/api/v1/tickets/${inc.number}/watchers`, { userId: outsider.user.id });
    await post(member, `/api/v1/tickets/${inc.number}/watchers`, { userId: member.user.id });

    const asMember = await expectSameAsService(member, inc.number);
    expect(asMember.services.map((s: { name: string }) => s.name)).toEqual(["Bank", "Shop"]);
    expect(asMember.watchers).toHaveLength(2);
    expect(asMember.allowedTransitions.length).toBeGreaterThan(0);
    const asOutsider = await expectSameAsService(outsider, inc.id);
    expect(asOutsider.allowedTransitions).toEqual([]);
    await expectSameAsService(requester, inc.number.toLowerCase());
    await expectSameAsService(t.admin, inc.number);

    const bare = await post(member, "/api/v1/requests", { title: "New laptop" });
    const plain = await expectSameAsService(member, bare.number);
    expect(plain).toMatchObject({ services: [], affectedCis: [], watchers: [], ci: null, assignmentGroup: null });
  });

  it("answers problems and changes with their own fields", async () => {
    const prb = await post(member, "/api/v1/problems", { title: "Disk fills up", problem: { workaround: "Rotate logs" } });
    const chg = await post(member, "/api/v1/changes", { title: "Patch mail" });
    expect((await expectSameAsService(member, prb.number)).problem.workaround).toBe("Rotate logs");
    expect((await expectSameAsService(member, chg.number)).change).toBeDefined();
  });

  it("hides other people's tickets from requesters and answers unknown ones with 404", async () => {
    const inc = await post(member, "/api/v1/incidents", { title: "Not yours" });
    const res = await t.app.inject({ method: "GET", url: `/api/v1/tickets/${inc.number}`, headers: requester.auth });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe("ticket.not_found");
    expect((await t.app.inject({ method: "GET", url: "/api/v1/tickets/INC9999999", headers: member.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/tickets/99999", headers: member.auth })).statusCode).toBe(404);
  });
});
