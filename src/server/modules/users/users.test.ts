import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resourceContract } from "../../../../test/helpers/resource-contract.js";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";

resourceContract({
  name: "users",
  path: "/api/v1/users",
  valid: (n) => ({ email: `Person${n}@Example.com`, name: `Person ${String(n).padStart(3, "0")}`, role: "agent" }),
  update: { name: "Renamed Person" },
  search: { query: (b) => `q=${encodeURIComponent(String(b.name))}` },
  sort: { key: "email", field: "email" },
  unique: "email",
  invalid: [
    { body: { name: "No Email", role: "agent" }, field: "email" },
    { body: { email: "not-an-email", name: "X", role: "agent" }, field: "email" },
    { body: { email: "a@b.io", name: "X", role: "superuser" }, field: "role" },
    { body: { email: "a@b.io", name: "", role: "agent" }, field: "name" },
    { body: { email: "a@b.io", name: "X", role: "agent", password: "short" }, field: "password" },
    { body: { email: "a@b.io", name: "X", role: "agent", isAdmin: true }, field: "isAdmin" },
    { body: { email: "a@b.io", name: 42, role: "agent" }, field: "name" },
  ],
  readOnlyRole: "viewer",
  noAccessRole: "requester",
});

describe("users", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it("filters by role and active state", async () => {
    await t.user("viewer", { active: false });
    await t.user("agent");
    const res = await t.app.inject({ url: "/api/v1/users?role=viewer&active=false", headers: t.admin.auth });
    expect(res.json().items.map((u: { role: string; active: boolean }) => [u.role, u.active])).toEqual([["viewer", false]]);
  });

  it("finds names with letters beyond ASCII whatever their case", async () => {
    const created = await t.app.inject({ method: "POST", url: "/api/v1/users", headers: t.admin.auth, payload: { email: "elodie@example.com", name: "Élodie MÜLLER-Øster", role: "agent" } });
    expect(created.statusCode).toBe(201);
    for (const q of ["élodie", "ÉLODIE", "müller", "øster", "Élodie Mü"]) {
      const res = await t.app.inject({ url: `/api/v1/users?q=${encodeURIComponent(q)}`, headers: t.admin.auth });
      expect(res.json().items.map((u: { email: string }) => u.email), q).toEqual(["elodie@example.com"]);
    }
    const none = await t.app.inject({ url: `/api/v1/users?q=${encodeURIComponent("élodié")}`, headers: t.admin.auth });
    expect(none.json().items).toEqual([]);
  });

  it("never returns password hashes", async () => {
    const res = await t.app.inject({ url: "/api/v1/users", headers: t.admin.auth });
    expect(res.body).not.toContain("argon2");
    expect(res.body).not.toMatch(/password/i);
  });

  it("lets anyone read themselves but a requester nobody else", async () => {
    const requester = await t.user("requester");
    expect((await t.app.inject({ url: `/api/v1/users/${requester.user.id}`, headers: requester.auth })).statusCode).toBe(403);
    const me = await t.app.inject({ url: "/api/v1/auth/me", headers: requester.auth });
    expect(me.json().user.id).toBe(requester.user.id);
    expect((await t.app.inject({ url: `/api/v1/users/${t.admin.user.id}`, headers: requester.auth })).statusCode).toBe(403);
  });

  it("refuses to demote, deactivate or delete the last active admin", async () => {
    const other = await t.user("agent");
    const id = t.admin.user.id;
    const demote = await t.app.inject({ method: "PATCH", url: `/api/v1/users/${id}`, headers: t.admin.auth, payload: { role: "agent" } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error).toBe("user.last_admin");
    const del = await t.app.inject({ method: "DELETE", url: `/api/v1/users/${id}`, headers: t.admin.auth });
    expect(del.statusCode).toBe(409);
    // With a second admin, demotion works.
    await t.app.inject({ method: "PATCH", url: `/api/v1/users/${other.user.id}`, headers: t.admin.auth, payload: { role: "admin" } });
    const ok = await t.app.inject({ method: "PATCH", url: `/api/v1/users/${id}`, headers: t.admin.auth, payload: { role: "agent" } });
    expect(ok.statusCode).toBe(200);
  });

  it("deactivating a user ends their sessions and tokens stop working", async () => {
    const agent = await t.user("agent");
    const { cookie } = await t.login(agent.user.email, agent.password);
    expect((await t.app.inject({ url: "/api/v1/auth/me", headers: { cookie } })).statusCode).toBe(200);
    await t.app.inject({ method: "PATCH", url: `/api/v1/users/${agent.user.id}`, headers: t.admin.auth, payload: { active: false } });
    expect((await t.app.inject({ url: "/api/v1/auth/me", headers: { cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: "/api/v1/auth/me", headers: agent.auth })).statusCode).toBe(401);
    expect((await t.login(agent.user.email, agent.password)).res.statusCode).toBe(401);
  });

  it("lists roles with their permissions", async () => {
    const res = await t.app.inject({ url: "/api/v1/roles", headers: t.admin.auth });
    const names = res.json().items.map((r: { name: string }) => r.name);
    expect(names).toEqual(["admin", "agent", "requester", "viewer"]);
  });

  it("shows a user's groups", async () => {
    const agent = await t.user("agent");
    const g = (await t.app.inject({ method: "POST", url: "/api/v1/groups", headers: t.admin.auth, payload: { name: "Service Desk" } })).json();
    await t.app.inject({ method: "PUT", url: `/api/v1/groups/${g.id}/members/${agent.user.id}`, headers: t.admin.auth });
    const res = await t.app.inject({ url: `/api/v1/users/${agent.user.id}`, headers: t.admin.auth });
    expect(res.json().groups).toEqual([{ id: g.id, name: "Service Desk" }]);
  });
});

describe("validation messages", () => {
  it("lists the allowed values of an enumerated field", async () => {
    const t = await createTestApp();
    try {
      const res = await t.app.inject({ method: "POST", url: "/api/v1/users", headers: t.admin.auth, payload: { email: "a@b.io", name: "A", role: "boss" } });
      expect(res.json().message).toBe("role must be one of: admin, agent, requester, viewer");
    } finally {
      await t.close();
    }
  });
});
