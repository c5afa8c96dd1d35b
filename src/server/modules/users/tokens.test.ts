import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { sha256 } from "../../platform/auth/secrets.js";
import { forgetCachedActors } from "../../platform/auth/authenticate.js";

describe("API tokens", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  async function create(headers: Record<string, string>, body: object = { name: "ci" }) {
    return t.app.inject({ method: "POST", url: "/api/v1/tokens", headers, payload: body });
  }

  it("shows the secret once, stores only its hash, and the secret authenticates", async () => {
    const res = await create(t.admin.auth);
    expect(res.statusCode).toBe(201);
    const { token, secret } = res.json();
    expect(secret).toMatch(/^odt_[A-Za-z0-9_-]{40,}$/);
    expect(secret.startsWith(token.prefix)).toBe(true);
    const row = await t.db.selectFrom("api_tokens").selectAll().where("id", "=", token.id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
    const list = await t.app.inject({ url: "/api/v1/tokens", headers: t.admin.auth });
    expect(list.body).not.toContain(secret);
    const me = await t.app.inject({ url: "/api/v1/auth/me", headers: { authorization: `Bearer ${secret}` } });
    expect(me.json().user.id).toBe(t.admin.user.id);
  });

  it("accepts the token as the password of HTTP Basic auth (Prometheus style)", async () => {
    const basic = Buffer.from(`anything:${t.admin.token}`).toString("base64");
    const res = await t.app.inject({ url: "/api/v1/auth/me", headers: { authorization: `Basic ${basic}` } });
    expect(res.statusCode).toBe(200);
  });

  it("records when a token was last used", async () => {
    const { token, secret } = (await create(t.admin.auth)).json();
    expect(token.lastUsedAt).toBeNull();
    await t.app.inject({ url: "/api/v1/auth/me", headers: { authorization: `Bearer ${secret}` } });
    const list = (await t.app.inject({ url: "/api/v1/tokens", headers: t.admin.auth })).json().items;
    expect(list.find((x: { id: string }) => x.id === token.id).lastUsedAt).not.toBeNull();
  });

  it("stops working once revoked; revoking twice is a conflict", async () => {
    const { token, secret } = (await create(t.admin.auth)).json();
    const del = await t.app.inject({ method: "DELETE", url: `/api/v1/tokens/${token.id}`, headers: t.admin.auth });
    expect(del.statusCode).toBe(204);
    const me = await t.app.inject({ url: "/api/v1/auth/me", headers: { authorization: `Bearer ${secret}` } });
    expect(me.statusCode).toBe(401);
    expect(me.json().error).toBe("auth.invalid_token");
    const again = await t.app.inject({ method: "DELETE", url: `/api/v1/tokens/${token.id}`, headers: t.admin.auth });
    expect(again.statusCode).toBe(409);
    const audit = (await t.app.inject({ url: `/api/v1/audit?entityId=${token.id}`, headers: t.admin.auth })).json();
    expect(audit.items.map((e: { action: string }) => e.action).sort()).toEqual(["create", "revoke"]);
  });

  it("stops working once expired, and refuses an expiry in the past", async () => {
    const { token, secret } = (await create(t.admin.auth, { name: "short", expiresAt: new Date(Date.now() + 60_000).toISOString() })).json();
    expect((await t.app.inject({ url: "/api/v1/auth/me", headers: { authorization: `Bearer ${secret}` } })).statusCode).toBe(200);
    await t.db.updateTable("api_tokens").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where("id", "=", token.id).execute();
    // The expiry moved behind the service's back, so the cached caller is dropped by hand
    // (a real expiry is honoured: a cached caller never outlives its token's expires_at).
    forgetCachedActors();
    expect((await t.app.inject({ url: "/api/v1/auth/me", headers: { authorization: `Bearer ${secret}` } })).statusCode).toBe(401);
    const past = await create(t.admin.auth, { name: "old", expiresAt: "2020-01-01T00:00:00Z" });
    expect(past.statusCode).toBe(400);
    expect(past.json().details.field).toBe("expiresAt");
    const garbage = await create(t.admin.auth, { name: "bad", expiresAt: "tomorrow" });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().details.field).toBe("expiresAt");
  });

  it("lets users see and revoke only their own tokens; admins see all", async () => {
    const agent = await t.user("agent");
    const other = await t.user("agent");
    const mine = (await create(agent.auth, { name: "mine" })).json().token;
    const theirs = (await create(other.auth, { name: "theirs" })).json().token;
    const list = (await t.app.inject({ url: "/api/v1/tokens", headers: agent.auth })).json().items;
    expect(list.every((x: { userId: string }) => x.userId === agent.user.id)).toBe(true);
    expect(list.map((x: { id: string }) => x.id)).toContain(mine.id);
    expect((await t.app.inject({ url: "/api/v1/tokens?all=true", headers: agent.auth })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/tokens/${theirs.id}`, headers: agent.auth })).statusCode).toBe(404);
    expect((await create(agent.auth, { name: "for them", userId: other.user.id })).statusCode).toBe(403);
    const all = (await t.app.inject({ url: "/api/v1/tokens?all=true", headers: t.admin.auth })).json().items;
    expect(all.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/tokens/${theirs.id}`, headers: t.admin.auth })).statusCode).toBe(204);
  });

  it("rejects malformed Authorization headers and unknown tokens with 401", async () => {
    for (const authorization of ["Bearer", "Token abc", "Bearer odt_unknown", "Basic !!!"]) {
      const res = await t.app.inject({ url: "/api/v1/users", headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.headers["www-authenticate"]).toContain("Bearer");
    }
  });
});
