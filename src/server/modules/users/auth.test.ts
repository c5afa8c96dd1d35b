import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { ensureAdminFromEnv } from "./auth.service.js";

describe("first-run setup", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({}, { withAdmin: false });
  });
  afterEach(async () => t.close());

  const body = { email: "Boss@Example.com", name: "Boss", password: "correct horse" };

  it("is needed until the first admin exists, then refuses a second time", async () => {
    expect((await t.app.inject({ url: "/api/v1/setup" })).json()).toEqual({ needed: true });
    const res = await t.app.inject({ method: "POST", url: "/api/v1/setup", payload: body });
    expect(res.statusCode).toBe(201);
    expect(res.json().user).toMatchObject({ email: "boss@example.com", role: "admin", active: true });
    expect(res.json().permissions).toContain("users.write");
    expect(res.cookies.find((c) => c.name === "opsdesk_session")).toBeTruthy();
    expect((await t.app.inject({ url: "/api/v1/setup" })).json()).toEqual({ needed: false });
    const again = await t.app.inject({ method: "POST", url: "/api/v1/setup", payload: { ...body, email: "evil@example.com" } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe("setup.already_done");
  });

  it("creates exactly one admin when two setups race", async () => {
    const results = await Promise.all([
      t.app.inject({ method: "POST", url: "/api/v1/setup", payload: body }),
      t.app.inject({ method: "POST", url: "/api/v1/setup", payload: { ...body, email: "other@example.com" } }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const n = await t.db.selectFrom("users").select(t.db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it("validates the first admin's fields", async () => {
    const res = await t.app.inject({ method: "POST", url: "/api/v1/setup", payload: { ...body, password: "short" } });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.field).toBe("password");
    expect((await t.app.inject({ url: "/api/v1/setup" })).json().needed).toBe(true);
  });

  it("can be done unattended from OPSDESK_ADMIN_EMAIL / OPSDESK_ADMIN_PASSWORD, once", async () => {
    const created = await ensureAdminFromEnv(t.db, "ops@example.com", "long enough pw", "Ops");
    expect(created?.role).toBe("admin");
    expect(await ensureAdminFromEnv(t.db, "ops2@example.com", "long enough pw", "Ops")).toBeNull();
    const login = await t.login("ops@example.com", "long enough pw");
    expect(login.res.statusCode).toBe(200);
  });
});

describe("sessions", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it("signs in with a HttpOnly SameSite cookie, reads /me, and signs out", async () => {
    const { res, cookie, csrf } = await t.login(t.admin.user.email.toUpperCase(), t.admin.password);
    expect(res.statusCode).toBe(200);
    const c = res.cookies.find((x) => x.name === "opsdesk_session")!;
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe("Lax");
    expect(c.secure).toBeFalsy(); // plain HTTP here; see the TLS test below
    expect(c.path).toBe("/");
    const me = await t.app.inject({ url: "/api/v1/auth/me", headers: { cookie } });
    expect(me.json().user.id).toBe(t.admin.user.id);
    expect(me.json().csrfToken).toBe(csrf);
    expect(me.json().user.lastLoginAt).not.toBeNull();
    const out = await t.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: { cookie, "x-csrf-token": csrf } });
    expect(out.statusCode).toBe(204);
    expect((await t.app.inject({ url: "/api/v1/auth/me", headers: { cookie } })).statusCode).toBe(401);
    const audit = (await t.app.inject({ url: `/api/v1/audit?entityId=${t.admin.user.id}`, headers: t.admin.auth })).json();
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(["login", "logout"]));
  });

  it("stores only a hash of the session cookie", async () => {
    const { cookie } = await t.login(t.admin.user.email, t.admin.password);
    const value = cookie.split("=")[1];
    const rows = await t.db.selectFrom("sessions").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(value);
  });

  it("marks the cookie Secure behind TLS (trusted proxy says https)", async () => {
    const tls = await createTestApp({ trustProxy: true });
    try {
      const res = await tls.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        headers: { "x-forwarded-proto": "https" },
        payload: { email: tls.admin.user.email, password: tls.admin.password },
      });
      expect(res.cookies.find((x) => x.name === "opsdesk_session")!.secure).toBe(true);
    } finally {
      await tls.close();
    }
  });

  it("requires the CSRF token for cookie-authenticated writes, not for token ones", async () => {
    const { cookie, csrf } = await t.login(t.admin.user.email, t.admin.password);
    const payload = { name: "Service Desk" };
    const none = await t.app.inject({ method: "POST", url: "/api/v1/groups", headers: { cookie }, payload });
    expect(none.statusCode).toBe(403);
    expect(none.json().error).toBe("auth.csrf");
    const wrong = await t.app.inject({ method: "POST", url: "/api/v1/groups", headers: { cookie, "x-csrf-token": "nope" }, payload });
    expect(wrong.statusCode).toBe(403);
    const ok = await t.app.inject({ method: "POST", url: "/api/v1/groups", headers: { cookie, "x-csrf-token": csrf }, payload });
    expect(ok.statusCode).toBe(201);
    const token = await t.app.inject({ method: "POST", url: "/api/v1/groups", headers: t.admin.auth, payload: { name: "Network Ops" } });
    expect(token.statusCode).toBe(201);
  });

  it("ignores an expired session", async () => {
    const { cookie } = await t.login(t.admin.user.email, t.admin.password);
    await t.db.updateTable("sessions").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).execute();
    expect((await t.app.inject({ url: "/api/v1/auth/me", headers: { cookie } })).statusCode).toBe(401);
  });
});

describe("login answers", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it("says the same thing for an unknown email, a wrong password and an inactive account", async () => {
    const inactive = await t.user("agent", { active: false });
    const answers = await Promise.all([
      t.login("nobody@example.com", "whatever-pass"),
      t.login(t.admin.user.email, "wrong-password"),
      t.login(inactive.user.email, inactive.password),
    ]);
    for (const a of answers) {
      expect(a.res.statusCode).toBe(401);
      expect(a.res.json()).toEqual({ error: "auth.invalid_credentials", message: "Email or password is incorrect", details: {} });
    }
  });

  it("refuses bad login input with 400", async () => {
    const res = await t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email: "a@b.c" } });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.field).toBe("password");
  });
});

describe("login throttling", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const attempt = (email: string, password: string, ip = "10.0.0.1") =>
    t.app.inject({ method: "POST", url: "/api/v1/auth/login", remoteAddress: ip, payload: { email, password } });

  it("locks an account after 5 failures, even for the right password, from any address", async () => {
    for (let i = 0; i < 5; i++) expect((await attempt(t.admin.user.email, "bad-password", `10.0.1.${i}`)).statusCode).toBe(401);
    const locked = await attempt(t.admin.user.email, t.admin.password, "10.0.2.1");
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error).toBe("auth.throttled");
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    // Another account is not affected.
    const agent = await t.user("agent");
    expect((await attempt(agent.user.email, agent.password, "10.0.2.1")).statusCode).toBe(200);
  });

  it("throttles unknown emails exactly like known ones (no enumeration)", async () => {
    for (let i = 0; i < 5; i++) await attempt("ghost@example.com", "bad-password", `10.0.3.${i}`);
    expect((await attempt("ghost@example.com", "bad-password", "10.0.4.1")).statusCode).toBe(429);
  });

  it("throttles one address trying many accounts", async () => {
    for (let i = 0; i < 30; i++) await attempt(`user${i}@example.com`, "bad-password", "10.9.9.9");
    expect((await attempt(t.admin.user.email, t.admin.password, "10.9.9.9")).statusCode).toBe(429);
    expect((await attempt(t.admin.user.email, t.admin.password, "10.9.9.8")).statusCode).toBe(200);
  });

  it("lets the account in again once the window has passed, and a success clears its failures", async () => {
    for (let i = 0; i < 5; i++) await attempt(t.admin.user.email, "bad-password", `10.0.5.${i}`);
    expect((await attempt(t.admin.user.email, t.admin.password)).statusCode).toBe(429);
    await t.db.updateTable("login_failures").set({ at: new Date(Date.now() - 16 * 60_000).toISOString() }).execute();
    expect((await attempt(t.admin.user.email, t.admin.password)).statusCode).toBe(200);
    const left = await t.db.selectFrom("login_failures").select("key").where("key", "like", "acct:%").execute();
    expect(left).toHaveLength(0);
  });
});

describe("password change", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it("needs the current password, ends other sessions and keeps this one", async () => {
    const a = await t.login(t.admin.user.email, t.admin.password);
    const b = await t.login(t.admin.user.email, t.admin.password);
    const change = (currentPassword: string, newPassword: string) =>
      t.app.inject({ method: "POST", url: "/api/v1/auth/password", headers: { cookie: a.cookie, "x-csrf-token": a.csrf }, payload: { currentPassword, newPassword } });
    const wrong = await change("not-it", "brand new password");
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: "auth.wrong_password", details: { field: "currentPassword" } });
    const short = await change(t.admin.password, "short");
    expect(short.json().details.field).toBe("newPassword");
    expect((await change(t.admin.password, "brand new password")).statusCode).toBe(204);
    expect((await t.app.inject({ url: "/api/v1/auth/me", headers: { cookie: a.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: "/api/v1/auth/me", headers: { cookie: b.cookie } })).statusCode).toBe(401);
    expect((await t.login(t.admin.user.email, t.admin.password)).res.statusCode).toBe(401);
    expect((await t.login(t.admin.user.email, "brand new password")).res.statusCode).toBe(200);
    const audit = (await t.app.inject({ url: `/api/v1/audit?action=password_change`, headers: t.admin.auth })).json();
    expect(audit.total).toBe(1);
    expect(JSON.stringify(audit)).not.toContain("brand new password");
  });
});
