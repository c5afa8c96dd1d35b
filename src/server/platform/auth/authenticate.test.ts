import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, type TestUser } from "../../../../test/helpers/test-app.js";
import { openDb } from "../db/db.js";
import { nowIso } from "../time.js";
import { ACTOR_CACHE_MS } from "./authenticate.js";

// Callers are cached for ACTOR_CACHE_MS; a change made through this node must still count
// from the very next request, and one made elsewhere within that bound.
let t: TestApp;
let agent: TestUser;

beforeEach(async () => {
  t = await createTestApp();
  agent = await t.user("agent");
});
afterEach(async () => t.close());

const get = (headers: Record<string, string>, url = "/api/v1/tickets?limit=5") => t.app.inject({ method: "GET", url, headers });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tokenIdOf(who: TestUser): Promise<string> {
  const row = await t.db.selectFrom("api_tokens").select("id").where("user_id", "=", who.user.id).executeTakeFirstOrThrow();
  return row.id;
}

describe("cached callers", () => {
  it("refuses a token revoked on this node from the next request on", async () => {
    expect((await get(agent.auth)).statusCode).toBe(200);
    expect((await get(agent.auth)).statusCode).toBe(200);
    const revoked = await t.app.inject({ method: "DELETE", url: `/api/v1/tokens/${await tokenIdOf(agent)}`, headers: agent.auth });
    expect(revoked.statusCode).toBe(204);
    const res = await get(agent.auth);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toBe("auth.invalid_token");
  });

  it("refuses a disabled user and applies a role change from the next request on", async () => {
    const other = await t.user("agent");
    expect((await get(other.auth, "/api/v1/users")).statusCode).toBe(200);
    const demoted = await t.app.inject({ method: "PATCH", url: `/api/v1/users/${other.user.id}`, headers: t.admin.auth, payload: { role: "requester" } });
    expect(demoted.statusCode).toBe(200);
    expect((await get(other.auth, "/api/v1/users")).statusCode).toBe(403);
    expect((await get(agent.auth)).statusCode).toBe(200);
    const disabled = await t.app.inject({ method: "PATCH", url: `/api/v1/users/${agent.user.id}`, headers: t.admin.auth, payload: { active: false } });
    expect(disabled.statusCode).toBe(200);
    expect((await get(agent.auth)).statusCode).toBe(401);
  });

  it("refuses a token revoked by another connection within the cache bound", async () => {
    expect((await get(agent.auth)).statusCode).toBe(200);
    const id = await tokenIdOf(agent);
    // Another process or node: its own connection, no call into this node's cache.
    const other = t.tdb.databaseUrl ? openDb({ databaseUrl: t.tdb.databaseUrl, poolSize: 1 }) : null;
    const db = other ?? t.db;
    await db.updateTable("api_tokens").set({ revoked_at: nowIso() }).where("id", "=", id).execute();
    await other?.destroy();
    await sleep(ACTOR_CACHE_MS + 50);
    expect((await get(agent.auth)).statusCode).toBe(401);
  });

  it("ends a session at logout, and an expired token is never served from the cache", async () => {
    const { cookie } = await t.login(agent.user.email, agent.password);
    expect((await get({ cookie })).statusCode).toBe(200);
    const me = await get({ cookie }, "/api/v1/auth/me");
    const csrf = me.json().csrfToken as string | undefined;
    await t.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: { cookie, ...(csrf ? { "x-csrf-token": csrf } : {}) } });
    expect((await get({ cookie })).statusCode).toBe(401);

    const soon = new Date(Date.now() + 300).toISOString();
    const created = await t.app.inject({ method: "POST", url: "/api/v1/tokens", headers: agent.auth, payload: { name: "short", expiresAt: soon } });
    if (created.statusCode !== 201) return; // the API refuses such a short expiry: nothing more to check
    const headers = { authorization: `Bearer ${created.json().secret}` };
    expect((await get(headers)).statusCode).toBe(200);
    await sleep(400);
    expect((await get(headers)).statusCode).toBe(401);
  });

  it("checks CSRF, permissions and bad credentials on callers served from the cache too", async () => {
    const { cookie } = await t.login(agent.user.email, agent.password);
    const me = await get({ cookie }, "/api/v1/auth/me");
    const csrf = me.json().csrfToken as string;
    expect(csrf).toBeTruthy();
    // The session is cached now: a write without the header is still refused, with it accepted.
    const payload = { title: "cached caller", impact: 3, urgency: 3 };
    const without = await t.app.inject({ method: "POST", url: "/api/v1/incidents", headers: { cookie }, payload });
    expect(without.statusCode).toBe(403);
    expect(without.json().error).toBe("auth.csrf");
    const wrong = await t.app.inject({ method: "POST", url: "/api/v1/incidents", headers: { cookie, "x-csrf-token": `${csrf}x` }, payload });
    expect(wrong.statusCode).toBe(403);
    const withIt = await t.app.inject({ method: "POST", url: "/api/v1/incidents", headers: { cookie, "x-csrf-token": csrf }, payload });
    expect(withIt.statusCode).toBe(201);
    // A cached token caller still lacks what its role does not grant.
    const requester = await t.user("requester");
    expect((await get(requester.auth, "/api/v1/auth/me")).statusCode).toBe(200);
    const refused = await get(requester.auth, "/api/v1/users");
    expect(refused.statusCode).toBe(403);
    // Malformed and unknown credentials: 401 naming the problem, public routes still answer.
    const basic = await get({ authorization: "Digest abc" });
    expect(basic.statusCode).toBe(401);
    expect(basic.json().error).toBe("auth.bad_authorization");
    const unknown = await get({ authorization: "Bearer nope" });
    expect(unknown.json().error).toBe("auth.invalid_token");
    expect((await t.app.inject({ method: "GET", url: "/healthz", headers: { authorization: "Bearer nope" } })).statusCode).toBe(200);
  });
});
