import net from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { engineFor } from "./events.engine.js";
import { fastPathStats } from "./am.fastpath.js";

// POST /api/v2/alerts from a known token is answered beside Fastify's pipeline: over real
// HTTP (inject goes straight to Fastify), it must answer exactly as the route does, hand
// everything unusual to Fastify, and store what it acknowledged.
describe("alert ingest fast path", () => {
  let t: TestApp;
  let base: string;
  beforeEach(async () => {
    t = await createTestApp({}, { fileDb: true });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  });
  afterEach(async () => t.close());

  const alert = (name: string, extra: Record<string, unknown> = {}) => ({ labels: { alertname: name, instance: "web01:9100" }, ...extra });
  const post = (body: string, headers: Record<string, string> = t.admin.auth, contentType = "application/json") =>
    fetch(`${base}/api/v2/alerts`, { method: "POST", headers: { ...headers, "content-type": contentType }, body });
  const answer = async (res: Response) => {
    const headers = Object.fromEntries([...res.headers.entries()].filter(([k]) => !["date", "connection", "keep-alive"].includes(k)));
    return { status: res.status, headers, body: await res.text() };
  };
  /** The same request through Fastify's own pipeline (inject never meets the fast path). */
  const viaFastify = async (body: string, headers: Record<string, string> = t.admin.auth, contentType = "application/json") => {
    const res = await t.app.inject({ method: "POST", url: "/api/v2/alerts", headers: { ...headers, "content-type": contentType }, payload: body });
    const h = Object.fromEntries(Object.entries(res.headers).filter(([k]) => !["date", "connection", "keep-alive"].includes(k)).map(([k, v]) => [k, String(v)]));
    return { status: res.statusCode, headers: h, body: res.body };
  };
  const stored = async () => {
    await engineFor(t.db).fold();
    return (await t.db.selectFrom("alerts").select(["alertname", "occurrences"]).orderBy("alertname").execute()).map((r) => `${r.alertname}:${r.occurrences}`);
  };

  it("answers a known token's valid push itself, exactly as the route does, and stores it", async () => {
    // The first request resolves the token (Fastify); from then on the caller is known.
    expect((await post(JSON.stringify([alert("First")]))).status).toBe(200);
    const before = fastPathStats(t.app).answered;
    const fast = await answer(await post(JSON.stringify([alert("Second"), alert("Third"), alert("Second")])));
    expect(fastPathStats(t.app).answered).toBe(before + 1);
    expect(fast).toEqual(await viaFastify(JSON.stringify([alert("Fourth")])));
    expect(fast).toEqual({ status: 200, headers: { "content-length": "0", "referrer-policy": "same-origin", "x-content-type-options": "nosniff", "x-frame-options": "DENY" }, body: "" });
    expect(await stored()).toEqual(["First:1", "Fourth:1", "Second:2", "Third:1"]);
  });

  it("reads a body that arrives in several pieces, and one that stops short, as Fastify would", async () => {
    await post(JSON.stringify([alert("Warm")]));
    const { port } = t.app.server.address() as { port: number };
    const auth = t.admin.auth.authorization;
    /** Sends the head, then the body in pieces with a pause between; resolves with the status line (or "closed"). */
    const raw = (body: string, declared: number) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1", async () => {
          socket.write(`POST /api/v2/alerts HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\nConnection: close\r\n\r\n`);
          for (let i = 0; i < body.length; i += 40) {
            socket.write(body.slice(i, i + 40));
            await new Promise((r) => setTimeout(r, 5));
          }
          if (body.length < declared) socket.end();
        });
        let text = "";
        socket.on("data", (d) => (text += d.toString()));
        socket.on("close", () => resolve(text.split("\r\n")[0] || "closed"));
        socket.on("error", reject);
      });
    const body = JSON.stringify([alert("Pieces", { annotations: { summary: "x".repeat(300) } })]);
    const answered = fastPathStats(t.app).answered;
    expect(await raw(body, body.length)).toBe("HTTP/1.1 200 OK");
    expect(fastPathStats(t.app).answered).toBe(answered + 1);
    // Declared longer than sent: Node's parser never ends the request; nothing is stored of it.
    await raw(body.replace("Pieces", "Short"), body.length + 10);
    expect(await stored()).toEqual(["Pieces:1", "Warm:1"]);
  });

  it("hands every bad body to Fastify, which answers it as always; nothing of it is stored", async () => {
    await post(JSON.stringify([alert("Warm")]));
    const cases = [
      "[{",
      JSON.stringify([{ annotations: {} }]),
      JSON.stringify([alert("Fine"), alert("Bad", { startsAt: "yesterday" })]),
      '[{"labels":{"alertname":"Poison","__proto__":{"admin":true}}}]',
      '[{"labels":{"alertname":"Poison2"},"constructor":{"prototype":{"admin":true}}}]',
      "[]",
    ];
    for (const body of cases) {
      const replayed = fastPathStats(t.app).replayed;
      const fast = await answer(await post(body));
      expect(fastPathStats(t.app).replayed, body).toBe(replayed + 1);
      expect(fast.status, body).toBe(400);
      expect(fast, body).toEqual(await viaFastify(body));
    }
    expect(JSON.parse((await answer(await post(cases[2]))).body).details.field).toBe("[1].startsAt");
    expect(await stored()).toEqual(["Warm:1"]);
  });

  it("replays a refused ingest through Fastify: 429 with Retry-After, nothing stored", async () => {
    await post(JSON.stringify([alert("Warm")]));
    engineFor(t.db).journalLimit = 0;
    const fast = await answer(await post(JSON.stringify([alert("TooMany")])));
    engineFor(t.db).journalLimit = 100_000;
    expect(fast.status).toBe(429);
    expect(fast.headers["retry-after"]).toBe("1");
    expect(JSON.parse(fast.body).error).toBe("events.backlog");
    expect(await stored()).toEqual(["Warm:1"]);
  });

  it("leaves to Fastify what it does not take: other permissions, unknown tokens, sessions, other content, big bodies", async () => {
    const requester = await t.user("requester");
    await post(JSON.stringify([alert("Warm")]));
    // The requester is known too (resolved, then refused by Fastify).
    expect((await post(JSON.stringify([alert("Warm")]), requester.auth)).status).toBe(403);
    const session = await t.login(t.admin.user.email, t.admin.password);
    const cases: Array<[string, Record<string, string>, string, number]> = [
      [JSON.stringify([alert("X")]), requester.auth, "application/json", 403],
      [JSON.stringify([alert("X")]), { authorization: "Bearer od_not_a_token" }, "application/json", 401],
      [JSON.stringify([alert("X")]), {}, "application/json", 401],
      // A cookie-authenticated write without its CSRF header.
      [JSON.stringify([alert("X")]), { cookie: session.cookie }, "application/json", 403],
      [JSON.stringify([alert("X")]), t.admin.auth, "text/plain", 400],
      [JSON.stringify([alert("X".repeat(2 * 1024 * 1024))]), t.admin.auth, "application/json", 413],
    ];
    for (const [body, headers, type, status] of cases) {
      const counts = { ...fastPathStats(t.app) };
      const res = await post(body, headers, type);
      expect(res.status, `${type} ${JSON.stringify(headers)}`).toBe(status);
      await res.text();
      expect(fastPathStats(t.app)).toEqual(counts);
    }
    expect(await stored()).toEqual(["Warm:1"]);
  });

  it("counts its answers in the request metrics like Fastify's", async () => {
    for (let i = 0; i < 5; i++) expect((await post(JSON.stringify([alert(`M${i}`)]))).status).toBe(200);
    expect(fastPathStats(t.app).answered).toBeGreaterThan(0);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const line = metrics.split("\n").find((l) => l.startsWith("opsdesk_http_requests_total") && l.includes('route="/api/v2/alerts"') && l.includes('method="POST"') && l.includes('status="200"'));
    expect(line).toBeDefined();
    expect(Number(line!.split(" ").at(-1))).toBe(5);
  });
});

describe("alert ingest fast path, turned off", () => {
  it("leaves every request to Fastify (OPSDESK_FAST_INGEST=0)", async () => {
    const t = await createTestApp({ fastIngest: false }, { fileDb: true });
    try {
      await t.app.listen({ port: 0, host: "127.0.0.1" });
      const url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}/api/v2/alerts`;
      for (let i = 0; i < 3; i++) {
        const res = await fetch(url, { method: "POST", headers: { ...t.admin.auth, "content-type": "application/json" }, body: JSON.stringify([{ labels: { alertname: `Off${i}` } }]) });
        expect(res.status).toBe(200);
      }
      expect(fastPathStats(t.app)).toEqual({ answered: 0, replayed: 0 });
    } finally {
      await t.close();
    }
  });
});
