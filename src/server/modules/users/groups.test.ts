import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resourceContract } from "../../../../test/helpers/resource-contract.js";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";

resourceContract({
  name: "groups",
  path: "/api/v1/groups",
  valid: (n) => ({ name: `Group ${String(n).padStart(3, "0")}`, description: `Team number ${n}` }),
  update: { description: "Handles the network" },
  search: { query: (b) => `q=${encodeURIComponent(String(b.description))}` },
  sort: { key: "name", field: "name" },
  unique: "name",
  invalid: [
    { body: { description: "no name" }, field: "name" },
    { body: { name: "" }, field: "name" },
    { body: { name: "x".repeat(121) }, field: "name" },
    { body: { name: "Ok", email: "nope" }, field: "email" },
    { body: { name: "Ok", colour: "red" }, field: "colour" },
  ],
  readOnlyRole: "agent",
  noAccessRole: "requester",
});

describe("group members", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  async function group(name = "Network Ops") {
    return (await t.app.inject({ method: "POST", url: "/api/v1/groups", headers: t.admin.auth, payload: { name } })).json();
  }

  it("adds members idempotently, lists them and counts them", async () => {
    const g = await group();
    const a = await t.user("agent", { name: "Zed" });
    const b = await t.user("agent", { name: "Amy" });
    for (const u of [a, b, a]) {
      const res = await t.app.inject({ method: "PUT", url: `/api/v1/groups/${g.id}/members/${u.user.id}`, headers: t.admin.auth });
      expect(res.statusCode).toBe(204);
    }
    const members = (await t.app.inject({ url: `/api/v1/groups/${g.id}/members`, headers: t.admin.auth })).json();
    expect(members.items.map((u: { name: string }) => u.name)).toEqual(["Amy", "Zed"]);
    expect((await t.app.inject({ url: `/api/v1/groups/${g.id}`, headers: t.admin.auth })).json().memberCount).toBe(2);
    const audit = (await t.app.inject({ url: `/api/v1/audit?entityId=${g.id}&action=add_member`, headers: t.admin.auth })).json();
    expect(audit.total).toBe(2);
  });

  it("removes members and answers 404 for non-members, unknown users and unknown groups", async () => {
    const g = await group();
    const a = await t.user("agent");
    await t.app.inject({ method: "PUT", url: `/api/v1/groups/${g.id}/members/${a.user.id}`, headers: t.admin.auth });
    const del = await t.app.inject({ method: "DELETE", url: `/api/v1/groups/${g.id}/members/${a.user.id}`, headers: t.admin.auth });
    expect(del.statusCode).toBe(204);
    const again = await t.app.inject({ method: "DELETE", url: `/api/v1/groups/${g.id}/members/${a.user.id}`, headers: t.admin.auth });
    expect(again.json().error).toBe("group.member_not_found");
    const unknownUser = await t.app.inject({ method: "PUT", url: `/api/v1/groups/${g.id}/members/nobody`, headers: t.admin.auth });
    expect(unknownUser.json().error).toBe("user.not_found");
    const unknownGroup = await t.app.inject({ method: "PUT", url: `/api/v1/groups/nogroup/members/${a.user.id}`, headers: t.admin.auth });
    expect(unknownGroup.json().error).toBe("group.not_found");
  });

  it("removes memberships when a user or group is deleted", async () => {
    const g = await group();
    const a = await t.user("agent");
    await t.app.inject({ method: "PUT", url: `/api/v1/groups/${g.id}/members/${a.user.id}`, headers: t.admin.auth });
    await t.app.inject({ method: "DELETE", url: `/api/v1/users/${a.user.id}`, headers: t.admin.auth });
    expect((await t.app.inject({ url: `/api/v1/groups/${g.id}`, headers: t.admin.auth })).json().memberCount).toBe(0);
  });

  it("refuses membership changes from agents", async () => {
    const g = await group();
    const a = await t.user("agent");
    const res = await t.app.inject({ method: "PUT", url: `/api/v1/groups/${g.id}/members/${a.user.id}`, headers: a.auth });
    expect(res.statusCode).toBe(403);
  });

  it("refuses renaming to an existing name", async () => {
    await group("Service Desk");
    const g = await group("Network Ops");
    const res = await t.app.inject({ method: "PATCH", url: `/api/v1/groups/${g.id}`, headers: t.admin.auth, payload: { name: "Service Desk" } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe("group.name_taken");
  });
});
