import { threadId } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDb, usePg, type TestDb } from "../../../../test/helpers/test-db.js";
import { threadWriteLockOf } from "../../platform/db/db.js";
import { onlyReads, ThreadWriteLock } from "../../platform/db/thread-lock.js";
import type { Db } from "../../platform/db/schema.js";
import { createTestApp } from "../../../../test/helpers/test-app.js";
import { engineFor, EventsEngine } from "./events.engine.js";
import { fingerprintOf } from "./events.fingerprint.js";
import type { IncomingAlert } from "./events.model.js";

// The fold thread exists on an SQLite file only (PostgreSQL and ":memory:" fold on the main thread).
const inHour = () => new Date(Date.now() + 3600_000).toISOString();
const ago = () => new Date(Date.now() - 1000).toISOString();

function incoming(labels: Record<string, string>, extra: Partial<IncomingAlert> = {}): IncomingAlert {
  return { fingerprint: fingerprintOf(labels), source: "alertmanager", labels, annotations: {}, generatorUrl: "", severity: "warning", startsAt: new Date().toISOString(), endsAt: inHour(), ...extra };
}

/** What a fold decides about each alert, without the clock's readings. */
async function folded(db: Db) {
  const alerts = await db.selectFrom("alerts").select(["fingerprint", "status", "severity", "occurrences", "flap_count", "alertname"]).orderBy("fingerprint").execute();
  const history = await db.selectFrom("alert_history").select(["fingerprint", "event", "status"]).orderBy("fingerprint").orderBy("id").execute();
  return { alerts, history };
}

/** The same requests, duplicates, a resolve and a refire, as a receiver hands them over. */
async function feed(engine: EventsEngine) {
  const a = { alertname: "DiskFull", instance: "db-1:9100" };
  const b = { alertname: "CpuHigh", instance: "app-1:9100" };
  await engine.ingest([incoming(a), incoming(b, { severity: "critical" })]);
  await engine.ingest([incoming(a), incoming(a)]);
  for (let i = 0; i < 30; i++) await engine.ingest([incoming({ alertname: "Many", instance: `h-${i % 10}` })]);
  await engine.drain();
  await engine.ingest([incoming(b, { endsAt: ago() })]);
  await engine.drain();
  await engine.ingest([incoming(b, { severity: "critical" })]);
  await engine.drain();
}

describe.skipIf(usePg)("the fold thread (SQLite file)", () => {
  const dbs: TestDb[] = [];
  const engines: EventsEngine[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.stop();
    for (const d of dbs.splice(0)) await d.cleanup();
  });
  const fresh = async () => {
    const tdb = await createTestDb({ shared: true });
    dbs.push(tdb);
    const engine = new EventsEngine(tdb.db);
    engines.push(engine);
    return { db: tdb.db, engine };
  };

  it("folds on its own thread to the same alerts and history as the main thread does", async () => {
    const threaded = await fresh();
    const inline = await fresh();
    inline.engine.useFoldThread = false;
    await feed(threaded.engine);
    await feed(inline.engine);
    expect(threaded.engine.foldThread).not.toBeNull();
    expect(inline.engine.foldThread).toBeNull();
    const [x, y] = [await folded(threaded.db), await folded(inline.db)];
    expect(x.alerts.length).toBe(12);
    expect(x).toEqual(y);
    expect(x.history.filter((h) => h.fingerprint === fingerprintOf({ alertname: "CpuHigh", instance: "app-1:9100" })).map((h) => h.event)).toEqual(["created", "resolved", "refired"]);
  });

  it("folds a trickle after its delay but a batch's worth at once, and all of it", async () => {
    const { db, engine } = await fresh();
    await engine.ingest([incoming({ alertname: "Warm" })]);
    await engine.drain();
    expect(engine.foldThread).not.toBeNull();
    // The fold timer the first alert set (100 ms) runs out before the trickle comes.
    await new Promise((r) => setTimeout(r, 150));
    const t0 = Date.now();
    await engine.ingest([incoming({ alertname: "Trickle" })]);
    await new Promise((r) => setTimeout(r, 5));
    // Gathered for FOLD_DELAY_THREAD_MS (100 ms) first, unless this machine stalled that long.
    if (Date.now() - t0 < 90) expect(engine.folding || engine.journalDepth === 0).toBe(false);
    // 1,200 alerts (past THREAD_FOLD_AT_ONCE, 1,000) start a fold on the next turn, not after the delay.
    await engine.ingest(Array.from({ length: 1200 }, (_, i) => incoming({ alertname: "Burst", n: String(i) })));
    await new Promise((r) => setTimeout(r, 5));
    expect(engine.folding || engine.journalDepth === 0).toBe(true);
    await engine.drain();
    expect((await db.selectFrom("alerts").select("fingerprint").execute()).length).toBe(1202);
  });

  it("starts another thread when its thread dies, and keeps every acknowledged alert", async () => {
    const { db, engine } = await fresh();
    await engine.ingest([incoming({ alertname: "Before" })]);
    await engine.drain();
    const first = engine.foldThread!;
    expect(first).not.toBeNull();
    await first.terminate();
    expect(first.alive).toBe(false);
    for (let i = 0; i < 5; i++) await engine.ingest([incoming({ alertname: "After", n: String(i) })]);
    await engine.drain();
    expect(engine.foldThread).not.toBeNull();
    expect(engine.foldThread).not.toBe(first);
    expect((await db.selectFrom("alerts").select("fingerprint").execute()).length).toBe(6);
  });

  it("folds on the main thread when its thread cannot run, and answers reads meanwhile", async () => {
    const { db, engine } = await fresh();
    await engine.ingest([incoming({ alertname: "Warm" })]);
    await engine.drain();
    // The thread dies in the middle of the next fold: that fold is done here instead.
    const thread = engine.foldThread!;
    await engine.ingest([incoming({ alertname: "During" })]);
    const folding = engine.fold();
    await thread.terminate();
    await folding;
    expect((await db.selectFrom("alerts").select("alertname").orderBy("alertname").execute()).map((r) => r.alertname)).toEqual(["During", "Warm"]);
  });

  it("lets a write wait for the other thread's transaction without blocking the event loop", async () => {
    const { db } = await fresh();
    const other = new ThreadWriteLock(threadWriteLockOf(db)!);
    expect(await other.acquire()).toBe(true);
    let wrote = false;
    const write = db.insertInto("settings").values({ key: "lock.test", value: "1", updated_at: new Date().toISOString() }).execute().then(() => (wrote = true));
    // The event loop runs (this timer fires) while the write waits; SQLite's busy handler would have slept the thread.
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 100));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(wrote).toBe(false);
    // Reads are answered meanwhile: the waiting write has not taken the connection.
    expect(await db.selectFrom("settings").select("key").where("key", "=", "lock.test").execute()).toEqual([]);
    other.release();
    await write;
    // A transaction waits the same way, from BEGIN to COMMIT.
    expect(await other.acquire()).toBe(true);
    let committed = false;
    const trx = db
      .transaction()
      .execute(async (t) => {
        await t.updateTable("settings").set({ value: "2" }).where("key", "=", "lock.test").execute();
      })
      .then(() => (committed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(committed).toBe(false);
    expect((await db.selectFrom("settings").select("value").where("key", "=", "lock.test").executeTakeFirstOrThrow()).value).toBe("1");
    other.release();
    await trx;
    expect((await db.selectFrom("settings").select("value").where("key", "=", "lock.test").executeTakeFirstOrThrow()).value).toBe("2");
    // Several writers of this thread wait in the order they came, and all get through.
    expect(await other.acquire()).toBe(true);
    const order: string[] = [];
    const set = (value: string) => db.updateTable("settings").set({ value }).where("key", "=", "lock.test").execute().then(() => order.push(value));
    const writers = [set("a"), db.transaction().execute(async (t) => { await t.updateTable("settings").set({ value: "b" }).where("key", "=", "lock.test").execute(); }).then(() => order.push("b")), set("c")];
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual([]);
    other.release();
    await Promise.all(writers);
    expect(order).toEqual(["a", "b", "c"]);
    expect((await db.selectFrom("settings").select("value").where("key", "=", "lock.test").executeTakeFirstOrThrow()).value).toBe("c");
    // Released: this thread can take it again at once; a thread that ended holding it frees it.
    expect(await other.acquire()).toBe(true);
    other.releaseFor(threadId + 1000);
    let again = false;
    const waiting = other.acquire().then(() => (again = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(again).toBe(false);
    other.releaseFor(threadId);
    await waiting;
    other.release();
  });

  it("follows the configuration: OPSDESK_FOLD_THREAD=0 folds on the request thread", async () => {
    for (const foldThread of [false, true]) {
      const t = await createTestApp({ foldThread }, { fileDb: true });
      try {
        const res = await t.app.inject({ method: "POST", url: "/api/v2/alerts", headers: t.admin.auth, payload: [{ labels: { alertname: "Configured" } }] });
        expect(res.statusCode).toBe(200);
        await engineFor(t.db).drain();
        expect(engineFor(t.db).foldThread === null).toBe(!foldThread);
        expect((await t.db.selectFrom("alerts").select("alertname").execute()).map((r) => r.alertname)).toEqual(["Configured"]);
      } finally {
        await t.close();
      }
    }
  });

  it("takes the lock for writes only", () => {
    for (const sql of ["select 1", "  SELECT * from x", "pragma user_version", "with a as (select 1) select * from a", "explain query plan select 1"]) expect(onlyReads(sql), sql).toBe(true);
    for (const sql of ["insert into x values (1)", "update x set a = 1", "delete from x", "with a as (select 1) insert into x select * from a", "begin immediate", "create table y (a)"]) expect(onlyReads(sql), sql).toBe(false);
  });
});
