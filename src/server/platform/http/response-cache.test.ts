import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildApp, type Built } from "../../app.js";
import { loadConfig } from "../config.js";
import { SYSTEM_ACTOR } from "../auth/permissions.js";
import { openDb } from "../db/db.js";
import type { Db } from "../db/schema.js";
import { createToken, createUser } from "../../modules/users/index.js";
import { createTestDb, type TestDb } from "../../../../test/helpers/test-db.js";
import { responseCacheStats } from "./response-cache.js";

// Ticket reads are answered from a per-caller cache that any committed write, from anywhere,
// must make stale: the next read after a write shows it.
let tdb: TestDb;
let built: Built;
let seq = 0;

beforeEach(async () => {
  tdb = await createTestDb({ shared: true });
  built = await buildApp({ db: tdb.db, config: loadConfig({ roles: "api" }, {}), logger: false });
  await built.app.ready();
});
afterEach(async () => {
  await built.app.close();
  await tdb.cleanup();
});

async function user(role: "agent" | "requester" | "admin") {
  seq++;
  const created = await createUser(tdb.db, SYSTEM_ACTOR, { email: `${role}${seq}@example.com`, name: `${role} ${seq}`, role, password: `password-${seq}-x`, active: true });
  const { secret } = await createToken(tdb.db, SYSTEM_ACTOR, { name: "test", userId: created.id });
  return { id: created.id, auth: { authorization: `Bearer ${secret}` } };
}

const inject = (method: "GET" | "POST" | "PATCH", url: string, headers: Record<string, string>, payload?: object) =>
  built.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

/** A second connection to the same database, as a worker process or another node has. */
function otherConnection(): Db {
  return tdb.databaseUrl ? openDb({ databaseUrl: tdb.databaseUrl, poolSize: 1 }) : openDb({ sqliteFile: tdb.sqliteFile! });
}

describe("response cache", () => {
  it("answers a hit with the same body as the miss, and 304 to If-None-Match", async () => {
    const agent = await user("agent");
    const inc = (await inject("POST", "/api/v1/incidents", agent.auth, { title: "Mail is down" })).json();
    for (const url of ["/api/v1/tickets?limit=10", "/api/v1/incidents?limit=10&sort=-createdAt", `/api/v1/tickets/${inc.number}`, "/api/v1/tickets?q=mail", `/api/v1/tickets/${inc.number}/timeline`]) {
      // On PostgreSQL the token is the server's snapshot: a write in any database of a busy
      // test server makes the next read a miss, so the pair is tried until the second one hits.
      let hits = 0;
      let miss = await inject("GET", url, agent.auth);
      for (let attempt = 0; attempt < 50 && !hits; attempt++) {
        const before = responseCacheStats(tdb.db).hits;
        const again = await inject("GET", url, agent.auth);
        hits = responseCacheStats(tdb.db).hits - before;
        expect(again.statusCode, url).toBe(200);
        expect(again.body, url).toBe(miss.body);
        expect(again.headers["content-type"]).toMatch(/^application\/json/);
        expect(again.headers.etag).toBe(miss.headers.etag);
        miss = again;
      }
      expect(hits, url).toBe(1);
      const notModified = await inject("GET", url, { ...agent.auth, "if-none-match": String(miss.headers.etag) });
      expect(notModified.statusCode).toBe(304);
      expect(notModified.body).toBe("");
      expect((await inject("GET", url, { ...agent.auth, "if-none-match": '"other"' })).statusCode).toBe(200);
    }
    const metrics = await built.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toMatch(/opsdesk_response_cache_requests_total\{result="hit"\} [1-9]/);
  });

  it("answers a hit with the miss's bytes: text beyond ASCII keeps its characters and its length", async () => {
    const agent = await user("agent");
    const title = "Café — 東京 printer 🖨 offline";
    const inc = (await inject("POST", "/api/v1/incidents", agent.auth, { title })).json();
    const url = `/api/v1/tickets/${inc.number}`;
    let hits = 0;
    let miss = await inject("GET", url, agent.auth);
    for (let attempt = 0; attempt < 50 && !hits; attempt++) {
      const before = responseCacheStats(tdb.db).hits;
      const again = await inject("GET", url, agent.auth);
      hits = responseCacheStats(tdb.db).hits - before;
      expect(again.rawPayload.equals(miss.rawPayload)).toBe(true);
      expect(Number(again.headers["content-length"])).toBe(again.rawPayload.length);
      expect(again.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(again.json().title).toBe(title);
      miss = again;
    }
    expect(hits).toBe(1);
  });

  it("shows a write through the API on the next read, and a changed body gets a new ETag", async () => {
    const agent = await user("agent");
    const inc = (await inject("POST", "/api/v1/incidents", agent.auth, { title: "Printer jam" })).json();
    const first = await inject("GET", `/api/v1/tickets/${inc.number}`, agent.auth);
    await inject("GET", "/api/v1/tickets?limit=10", agent.auth);
    expect((await inject("PATCH", `/api/v1/tickets/${inc.number}`, agent.auth, { title: "Printer on fire" })).statusCode).toBe(200);
    const after = await inject("GET", `/api/v1/tickets/${inc.number}`, { ...agent.auth, "if-none-match": String(first.headers.etag) });
    expect(after.statusCode).toBe(200);
    expect(after.json().title).toBe("Printer on fire");
    expect(after.headers.etag).not.toBe(first.headers.etag);
    expect((await inject("GET", "/api/v1/tickets?limit=10", agent.auth)).json().items[0].title).toBe("Printer on fire");
    expect((await inject("POST", `/api/v1/tickets/${inc.number}/comments`, agent.auth, { body: "Called the vendor" })).statusCode).toBe(201);
    const timeline = (await inject("GET", `/api/v1/tickets/${inc.number}/timeline`, agent.auth)).json();
    expect(JSON.stringify(timeline)).toContain("Called the vendor");
  });

  it("shows a write committed by another connection (another process or node) on the next read", async () => {
    const agent = await user("agent");
    const inc = (await inject("POST", "/api/v1/incidents", agent.auth, { title: "VPN drops" })).json();
    const urls = [`/api/v1/tickets/${inc.number}`, "/api/v1/tickets?limit=10", "/api/v1/tickets?q=vpn"];
    for (const url of urls) {
      await inject("GET", url, agent.auth);
      await inject("GET", url, agent.auth); // now cached
    }
    const other = otherConnection();
    try {
      await other.updateTable("tickets").set({ title: "VPN drops hourly", version: 2 }).where("id", "=", Number(inc.id)).execute();
    } finally {
      await other.destroy();
    }
    expect((await inject("GET", urls[0], agent.auth)).json().title).toBe("VPN drops hourly");
    expect((await inject("GET", urls[1], agent.auth)).json().items[0].title).toBe("VPN drops hourly");
  });

  it("never answers one user with another user's cached page", async () => {
    const alice = await user("requester");
    const bob = await user("requester");
    const agent = await user("agent");
    await inject("POST", "/api/v1/incidents", alice.auth, { title: "Alice's laptop" });
    const bobs = (await inject("POST", "/api/v1/incidents", bob.auth, { title: "Bob's phone" })).json();
    for (let i = 0; i < 2; i++) {
      expect((await inject("GET", "/api/v1/tickets?limit=10", alice.auth)).json().items.map((x: { title: string }) => x.title)).toEqual(["Alice's laptop"]);
      expect((await inject("GET", "/api/v1/tickets?limit=10", bob.auth)).json().items.map((x: { title: string }) => x.title)).toEqual(["Bob's phone"]);
      expect((await inject("GET", "/api/v1/tickets?limit=10", agent.auth)).json().total).toBe(2);
      expect((await inject("GET", `/api/v1/tickets/${bobs.number}`, bob.auth)).statusCode).toBe(200);
      expect((await inject("GET", `/api/v1/tickets/${bobs.number}`, alice.auth)).statusCode).toBe(404);
    }
  });

  it("answers bad input and missing tickets with 4xx, never cached", async () => {
    const agent = await user("agent");
    expect((await inject("GET", "/api/v1/tickets?limit=abc", agent.auth)).statusCode).toBe(400);
    expect((await inject("GET", "/api/v1/tickets/INC9999999", agent.auth)).statusCode).toBe(404);
    const inc = (await inject("POST", "/api/v1/incidents", agent.auth, { title: "Late arrival" })).json();
    expect(inc.number).toBe("INC0001001");
    expect((await inject("GET", "/api/v1/tickets/INC0001001", agent.auth)).statusCode).toBe(200);
  });

  it("is off when configured with no memory (OPSDESK_RESPONSE_CACHE_MB=0): every read is computed afresh", async () => {
    const tdb0 = await createTestDb();
    const off = await buildApp({ db: tdb0.db, config: { ...loadConfig({ roles: "api" }, {}), responseCacheMb: 0 }, logger: false });
    try {
      await off.app.ready();
      const created = await createUser(tdb0.db, SYSTEM_ACTOR, { email: "off@example.com", name: "Off", role: "agent", password: "password-off-x", active: true });
      const { secret } = await createToken(tdb0.db, SYSTEM_ACTOR, { name: "test", userId: created.id });
      const auth = { authorization: `Bearer ${secret}` };
      for (let i = 0; i < 3; i++) {
        const res = await off.app.inject({ method: "GET", url: "/api/v1/tickets?limit=5", headers: auth });
        expect(res.statusCode).toBe(200);
        expect(res.headers.etag).toBeTruthy();
      }
      expect(responseCacheStats(tdb0.db)).toMatchObject({ hits: 0, misses: 0, entries: 0 });
    } finally {
      await off.app.close();
      await tdb0.cleanup();
    }
  });
});
