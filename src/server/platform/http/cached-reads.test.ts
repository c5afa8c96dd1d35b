import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, type TestUser } from "../../../../test/helpers/test-app.js";
import { cachedReadsAnswered } from "./cached-reads.js";

// Repeated cached GETs from a known token are answered beside Fastify's pipeline. Over real
// HTTP (inject goes straight to Fastify, so it is the reference), the answer must be the
// route's, to the same caller only, and never outlive a commit: a new ticket, a revoked token,
// a changed role.
describe("cached reads beside the pipeline", () => {
  let t: TestApp;
  let base: string;
  let agent: TestUser;
  beforeEach(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    agent = await t.user("agent");
  });
  afterEach(async () => t.close());

  const strip = (entries: Iterable<[string, string]>) => Object.fromEntries([...entries].filter(([k]) => !["date", "connection", "keep-alive"].includes(k)).sort());
  const get = async (url: string, headers: Record<string, string> = agent.auth) => {
    const res = await fetch(`${base}${url}`, { headers });
    return { status: res.status, headers: strip(res.headers.entries()), body: await res.text() };
  };
  /** The same request through Fastify's own pipeline. */
  const viaFastify = async (url: string, headers: Record<string, string> = agent.auth) => {
    const res = await t.app.inject({ method: "GET", url, headers });
    return { status: res.statusCode, headers: strip(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), body: res.body };
  };
  /**
   * The request again until this path answers it: on PostgreSQL the change token is the
   * cluster's snapshot, which any transaction anywhere moves (other test files' schemas included),
   * and a caller is known without I/O for a second only; a few tries outlast both.
   */
  const fastGet = async (url: string, headers: Record<string, string> = agent.auth) => {
    for (let i = 0; i < 20; i++) {
      const before = cachedReadsAnswered(t.app);
      const answer = await get(url, headers);
      if (cachedReadsAnswered(t.app) === before + 1) return answer;
    }
    throw new Error(`${url} was never answered beside the pipeline`);
  };
  const create = (who: TestUser, title: string) => t.app.inject({ method: "POST", url: "/api/v1/incidents", headers: who.auth, payload: { title } });

  it("answers a repeated read itself, exactly as the route does, 304 included", async () => {
    await create(agent, "Mail down");
    const url = "/api/v1/incidents?sort=-createdAt&limit=10&fields=number,title";
    const first = await get(url); // resolves the token and fills the cache: Fastify's answer
    const fast = await fastGet(url);
    expect(fast).toEqual(first);
    expect(fast).toEqual(await viaFastify(url));
    expect(JSON.parse(fast.body).items.map((i: { title: string }) => i.title)).toEqual(["Mail down"]);
    expect(fast.headers).toMatchObject({ "cache-control": "private, no-cache", "content-type": "application/json; charset=utf-8", "x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "same-origin" });

    const conditional = { ...agent.auth, "if-none-match": fast.headers.etag };
    const notModified = await fastGet(url, conditional);
    expect(notModified).toEqual(await viaFastify(url, conditional));
    expect(notModified.status).toBe(304);

    // The same for a ticket by number, and the requests are counted under their route.
    const number = JSON.parse(fast.body).items[0].number;
    await get(`/api/v1/tickets/${number}`);
    const ticket = await fastGet(`/api/v1/tickets/${number}`);
    expect(ticket).toEqual(await viaFastify(`/api/v1/tickets/${number}`));
    const metrics = (await t.app.inject({ method: "GET", url: "/metrics" })).body;
    const served = (route: string, status: number) => Number(new RegExp(`^opsdesk_http_requests_total\\{method="GET",route="${route.replace(/[/?]/g, "\\$&")}",status="${status}"\\} (\\d+)`, "m").exec(metrics)?.[1] ?? 0);
    expect(served("/api/v1/incidents", 200)).toBeGreaterThanOrEqual(2);
    expect(served("/api/v1/incidents", 304)).toBeGreaterThanOrEqual(1);
    expect(served("/api/v1/tickets/:ref", 200)).toBeGreaterThanOrEqual(2);
  });

  it("never answers after a commit, for another caller, or without a token it knows", async () => {
    const url = "/api/v1/incidents?limit=10";
    await create(agent, "First");
    await get(url);
    await get(url);
    let answered = cachedReadsAnswered(t.app);
    // A commit anywhere: the route answers, with the new ticket.
    await create(agent, "Second");
    const after = await get(url);
    expect(cachedReadsAnswered(t.app)).toBe(answered);
    expect(JSON.parse(after.body).items.map((i: { title: string }) => i.title)).toEqual(["Second", "First"]);

    // Another caller asking the same URL gets their own answer (a requester sees only theirs).
    const requester = await t.user("requester");
    await create(requester, "Mine");
    await get(url);
    const own = await get(url, requester.auth);
    expect(JSON.parse(own.body).items.map((i: { title: string }) => i.title)).toEqual(["Mine"]);
    const again = await get(url, requester.auth);
    expect(again).toEqual(own);

    // The agent's role changes: a commit, so their next read is the route's, with a requester's view.
    await get(url);
    answered = cachedReadsAnswered(t.app);
    const demoted = await t.app.inject({ method: "PATCH", url: `/api/v1/users/${agent.user.id}`, headers: t.admin.auth, payload: { role: "requester" } });
    expect(demoted.statusCode, demoted.body).toBe(200);
    const asRequester = await get(url);
    expect(cachedReadsAnswered(t.app)).toBe(answered);
    expect(JSON.parse(asRequester.body).items).toEqual([]);

    // A revoked token is refused, though its read was cached a moment ago.
    const tokens = (await t.app.inject({ method: "GET", url: "/api/v1/tokens", headers: requester.auth })).json().items;
    await get(url, requester.auth);
    await get(url, requester.auth);
    const revoked = await t.app.inject({ method: "DELETE", url: `/api/v1/tokens/${tokens[0].id}`, headers: requester.auth });
    expect(revoked.statusCode, revoked.body).toBeLessThan(300);
    expect((await get(url, requester.auth)).status).toBe(401);

    // Answers that are not cached (a 400) and callers without credentials are always the route's.
    answered = cachedReadsAnswered(t.app);
    for (let i = 0; i < 2; i++) expect((await get("/api/v1/incidents?fields=bogus")).status).toBe(400);
    expect((await get(url, {})).status).toBe(401);
    expect((await get(url, {})).status).toBe(401);
    expect(cachedReadsAnswered(t.app)).toBe(answered);
  });

  it("answers a browser session's repeated read too, until it signs out", async () => {
    await create(agent, "Printer jam");
    const session = await t.login(agent.user.email, agent.password);
    const browser = { cookie: `theme=dark; ${session.cookie}; other=x%20y` };
    const url = "/api/v1/tickets?q=printer";
    const first = await get(url, browser);
    const again = await fastGet(url, browser);
    expect(again).toEqual(first);
    expect(again).toEqual(await viaFastify(url, browser));
    expect(JSON.parse(again.body).items.map((i: { title: string }) => i.title)).toEqual(["Printer jam"]);
    // Signing out is a commit, and forgets the session: the route answers, 401.
    const logout = await t.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: { cookie: session.cookie, "x-csrf-token": session.csrf } });
    expect(logout.statusCode, logout.body).toBeLessThan(300);
    expect((await get(url, browser)).status).toBe(401);
  });

  it("produces a ticket it never answered before itself, as the route does, and hands errors to the route", async () => {
    const inc = (await create(agent, "Disk full")).json();
    const problem = (await t.app.inject({ method: "POST", url: "/api/v1/problems", headers: agent.auth, payload: { title: "Disks fill up", problem: { workaround: "Rotate logs" } } })).json();
    await get("/api/v1/tickets/flows"); // the caller is known from here on
    for (const ref of [inc.number, inc.number.toLowerCase(), problem.id]) {
      const fast = await fastGet(`/api/v1/tickets/${ref}`);
      expect(fast).toEqual(await viaFastify(`/api/v1/tickets/${ref}`));
      expect(fast.status).toBe(200);
    }
    expect(JSON.parse((await fastGet(`/api/v1/tickets/${problem.number}`)).body).problem).toMatchObject({ workaround: "Rotate logs" });
    // Not found, not visible, not a ticket reference, or a URL Fastify would decode: the route answers.
    const requester = await t.user("requester");
    const answered = cachedReadsAnswered(t.app);
    for (const [url, headers, status] of [
      ["/api/v1/tickets/INC9999999", agent.auth, 404],
      [`/api/v1/tickets/${inc.number}`, requester.auth, 404],
      ["/api/v1/tickets/flows", agent.auth, 200],
      [`/api/v1/tickets/%49NC${inc.number.slice(3)}`, agent.auth, 200],
      [`/api/v1/tickets/${inc.number}?x=1`, agent.auth, 200],
    ] as const) {
      const answer = await get(url, headers);
      expect(answer.status, url).toBe(status);
      expect(answer, url).toEqual(await viaFastify(url, headers));
    }
    expect(cachedReadsAnswered(t.app)).toBe(answered);
  });
});
