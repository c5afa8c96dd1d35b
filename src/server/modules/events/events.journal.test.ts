import { spawn } from "node:child_process";
import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { createTestDb, type TestDb } from "../../../../test/helpers/test-db.js";
import { openDb } from "../../platform/db/db.js";
import type { Db } from "../../platform/db/schema.js";
import { engineFor, EventsEngine } from "./events.engine.js";
import { fingerprintOf } from "./events.fingerprint.js";
import { appendJournal, FOLDED_MARK_KEY, foldedMark } from "./events.journal.js";
import BetterSqlite3 from "better-sqlite3";
import path from "node:path";
import { AlertLog, AlertLogReader, alertLogDirFor, encodeRecord, legacyJournalFileFor } from "./events.alert-log.js";
import { usePg } from "../../../../test/helpers/test-db.js";
import type { IncomingAlert } from "./events.model.js";

const hour = () => new Date(Date.now() + 3600_000).toISOString();

/** A normalised alert as a receiver hands it over. */
function incoming(labels: Record<string, string>, extra: Partial<IncomingAlert> = {}): IncomingAlert {
  return { fingerprint: fingerprintOf(labels), source: "alertmanager", labels, annotations: {}, generatorUrl: "", severity: "warning", startsAt: new Date().toISOString(), endsAt: hour(), ...extra };
}

const journalCount = async (db: Db) => Number((await db.selectFrom("alert_journal").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

describe("the alert journal", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());
  const post = (body: unknown) => t.app.inject({ method: "POST", url: "/api/v2/alerts", headers: { ...t.admin.auth, "content-type": "application/json" }, payload: JSON.stringify(body) });

  it("shows an alert in every read right after its POST returns", async () => {
    const labels = { alertname: "JustPosted", instance: "web-1:9100" };
    expect((await post([{ labels }])).statusCode).toBe(200);
    const am = (await t.app.inject({ url: "/api/v2/alerts", headers: t.admin.auth })).json();
    expect(am.map((a: { fingerprint: string }) => a.fingerprint)).toEqual([fingerprintOf(labels)]);
    expect((await post([{ labels: { ...labels, instance: "web-2:9100" } }])).statusCode).toBe(200);
    const native = (await t.app.inject({ url: "/api/v1/events/alerts?q=JustPosted", headers: t.admin.auth })).json();
    expect(native.total).toBe(2);
    const one = await t.app.inject({ url: `/api/v1/events/alerts/${fingerprintOf(labels)}`, headers: t.admin.auth });
    expect(one.statusCode).toBe(200);
    expect(await journalCount(t.db)).toBe(0);
  });

  it("folds rows a stopped process left, once and in the order received", async () => {
    const a = { alertname: "Left", instance: "db-1" };
    const b = { alertname: "Left", instance: "db-2" };
    await appendJournal(t.db, [incoming(a)]);
    await appendJournal(t.db, [incoming(a, { annotations: { summary: "second" } }), incoming(b)]);
    await appendJournal(t.db, [incoming(a, { annotations: { summary: "second" }, endsAt: new Date(Date.now() - 1000).toISOString() })]);
    await engineFor(t.db).drain();
    const rows = await t.db.selectFrom("alerts").selectAll().orderBy("fingerprint").execute();
    const byFp = new Map(rows.map((r) => [r.fingerprint, r]));
    expect(byFp.get(fingerprintOf(a))).toMatchObject({ status: "resolved", occurrences: 3, annotations: JSON.stringify({ summary: "second" }) });
    expect(byFp.get(fingerprintOf(b))).toMatchObject({ status: "firing", occurrences: 1 });
    const history = await t.db.selectFrom("alert_history").select("event").where("fingerprint", "=", fingerprintOf(a)).orderBy("id").execute();
    expect(history.map((h) => h.event)).toEqual(["created", "resolved"]);
    expect(await journalCount(t.db)).toBe(0);
    // Folding again finds nothing: no row is folded twice.
    await engineFor(t.db).fold();
    expect((await t.db.selectFrom("alerts").select("occurrences").where("fingerprint", "=", fingerprintOf(a)).executeTakeFirstOrThrow()).occurrences).toBe(3);
  });

  it("answers 429 with Retry-After past the journal limit, and stores nothing of that request", async () => {
    engineFor(t.db).journalLimit = 0;
    const res = await post([{ labels: { alertname: "TooMany" } }]);
    expect(res.statusCode).toBe(429);
    expect(res.headers["retry-after"]).toBe("1");
    expect(res.json().error).toBe("events.backlog");
    engineFor(t.db).journalLimit = 100_000;
    await engineFor(t.db).drain();
    expect(await journalCount(t.db)).toBe(0);
    expect(await t.db.selectFrom("alerts").select("fingerprint").execute()).toEqual([]);
  });

  it("holds a request past the soft depth until a fold has brought the backlog under it, then stores it", async () => {
    const engine = engineFor(t.db);
    engine.journalSoftLimit = 1;
    await engine.ingest([incoming({ alertname: "Ahead" })]);
    expect(engine.journalDepth).toBe(1);
    const order: string[] = [];
    const submit = engine.queue.submit.bind(engine.queue);
    engine.queue.submit = (alerts) => (order.push(`append at depth ${engine.journalDepth}`), submit(alerts));
    const folding = engine.fold(false).then(() => order.push("folds done"));
    while (!engine.folding) await Promise.resolve();
    const held = engine.ingest([incoming({ alertname: "Behind" })]);
    await Promise.all([folding, held]);
    // Appended once the fold had taken "Ahead" (depth 0), and without waiting for the run of
    // folds to end: under load that run goes on while alerts keep coming, and every client
    // held until its end left the fold thread idle after it.
    expect(order).toEqual(["append at depth 0", "folds done"]);
    engine.journalSoftLimit = null;
    await engine.drain();
    expect((await t.db.selectFrom("alerts").select("labels").execute()).length).toBe(2);
  });

  it("appends nothing for a rejected batch", async () => {
    const res = await post([{ labels: { alertname: "Fine" } }, { labels: { alertname: "Bad" }, startsAt: "yesterday" }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().details.field).toBe("[1].startsAt");
    expect(await journalCount(t.db)).toBe(0);
    await engineFor(t.db).drain();
    expect(await t.db.selectFrom("alerts").select("fingerprint").execute()).toEqual([]);
  });
});

describe("the alert journal with two nodes on one database", () => {
  let tdb: TestDb;
  let other: Db;
  beforeEach(async () => {
    tdb = await createTestDb({ shared: true });
    other = openDb(tdb.databaseUrl ? { databaseUrl: tdb.databaseUrl, poolSize: 5 } : { sqliteFile: tdb.sqliteFile! });
  });
  afterEach(async () => {
    await other.destroy();
    await tdb.cleanup();
  });

  it("never folds a row twice when both nodes fold at once, and keeps each fingerprint's order", async () => {
    const nodes = [new EventsEngine(tdb.db), new EventsEngine(other)];
    const fps = Array.from({ length: 25 }, (_, i) => ({ alertname: "TwoNodes", instance: `h-${i}` }));
    let sent = 0;
    for (let r = 0; r < 40; r++) {
      // Each row: ten alerts; the last row names every alert with summary "last".
      const batch = Array.from({ length: 10 }, (_, i) => incoming(fps[(r * 7 + i * 3) % fps.length], { annotations: { summary: `row ${r}` } }));
      await appendJournal(r % 2 ? other : tdb.db, batch);
      sent += batch.length;
    }
    await appendJournal(other, fps.map((l) => incoming(l, { annotations: { summary: "last" } })));
    sent += fps.length;
    // Two processes on PostgreSQL fold at once. Two SQLite connections in one thread cannot:
    // the second one's BEGIN IMMEDIATE would block the thread the first one needs to commit.
    if (tdb.databaseUrl) await Promise.all([nodes[0].fold(), nodes[1].fold(), nodes[0].fold(), nodes[1].fold()]);
    else for (const n of [...nodes, ...nodes]) await n.drain();
    await Promise.all(nodes.map((n) => n.drain()));
    const rows = await tdb.db.selectFrom("alerts").select(["fingerprint", "occurrences", "annotations"]).execute();
    expect(rows.length).toBe(fps.length);
    expect(rows.reduce((n, r) => n + r.occurrences, 0)).toBe(sent);
    expect(new Set(rows.map((r) => r.annotations))).toEqual(new Set([JSON.stringify({ summary: "last" })]));
    const created = await tdb.db.selectFrom("alert_history").select("fingerprint").where("event", "=", "created").execute();
    expect(created.length).toBe(fps.length);
    expect(await journalCount(tdb.db)).toBe(0);
  });
});

describe.skipIf(usePg)("the alert log (SQLite)", () => {
  let tdb: TestDb;
  let dir: string;
  let log: AlertLog | null = null;
  beforeEach(async () => {
    tdb = await createTestDb({ shared: true });
    dir = alertLogDirFor(tdb.sqliteFile!)!;
  });
  afterEach(async () => {
    log?.close();
    log = null;
    await tdb.cleanup();
  });
  const reader = () => new AlertLogReader(dir);
  const rowsIn = () => reader().rowsAfter(0, 1000);
  const segments = () => fs.readdirSync(dir).filter((f) => f.endsWith(".log")).sort();
  const setMark = (mark: number) =>
    tdb.db.insertInto("settings").values({ key: FOLDED_MARK_KEY, value: String(mark), updated_at: new Date().toISOString() }).onConflict((oc) => oc.column("key").doUpdateSet({ value: String(mark) })).execute();

  /** Writes records of `payloads` and closes the log (the process "ended"); returns the first segment's path. */
  const writeAndClose = (payloads: string[], segmentBytes?: number) => {
    const l = AlertLog.open(dir, 0, undefined, segmentBytes ? { segmentBytes } : {})!;
    for (const p of payloads) l.append(1, p);
    l.close();
    return path.join(dir, segments()[0]);
  };
  /** Flips a byte of the first record's payload in `file`. */
  const damageFirstPayload = (file: string) => {
    const bytes = fs.readFileSync(file);
    bytes[26] ^= 0xff;
    fs.writeFileSync(file, bytes);
    return bytes.length;
  };

  it("appends accepted alerts to the log beside the database, folds them and moves the mark", async () => {
    const engine = new EventsEngine(tdb.db);
    await engine.ingest([incoming({ alertname: "InLog", instance: "a" }), incoming({ alertname: "InLog", instance: "b" })]);
    // Acknowledged: in the log (readable by another reader), not in the table.
    const rows = rowsIn();
    expect(rows.map((r) => r.count)).toEqual([2]);
    expect(JSON.parse(rows[0].alerts).map((a: IncomingAlert) => a.labels.instance)).toEqual(["a", "b"]);
    expect(await journalCount(tdb.db)).toBe(0);
    await engine.drain();
    expect((await tdb.db.selectFrom("alerts").select("fingerprint").execute()).length).toBe(2);
    expect(await foldedMark(tdb.db)).toBe(rows[0].id);
    expect(reader().hasRowsAfter(rows[0].id)).toBe(false);
    await engine.ingest([incoming({ alertname: "InLog", instance: "c" })]);
    expect(reader().rowsAfter(rows[0].id, 10).map((r) => r.id)).toEqual([rows[0].id + 1]);
    await engine.stop();
  });

  it("gives a fold the oldest records up to its alert budget, however small the records", () => {
    log = AlertLog.open(dir, 0)!;
    for (let i = 0; i < 300; i++) log.append(1, "[]");
    log.append(50, "[]");
    log.append(7, "[]");
    const all = rowsIn();
    expect(all.map((r) => r.id)).toEqual(Array.from({ length: 302 }, (_, i) => i + 1));
    // 300 records of one alert: far past a fixed record limit, all within a budget of 320.
    const a = log.batchAfter(0, 320, 4096);
    expect(a.rows.map((r) => r.id)).toEqual(all.slice(0, 300).map((r) => r.id));
    expect(a.more).toBe(true);
    expect(a.rows[0]).toEqual({ id: 1, count: 1, alerts: "[]" });
    // A record larger than the budget still goes alone, so a fold always moves.
    expect(log.batchAfter(300, 10, 4096)).toEqual({ rows: [all[300]], more: true });
    expect(log.batchAfter(300, 57, 4096)).toEqual({ rows: all.slice(300), more: false });
    // The record limit holds too; a reader picks up where the last batch stopped, or anywhere after a mark.
    const r = reader();
    expect(r.batchAfter(0, 1000, 10).rows.map((x) => x.id)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(r.batchAfter(10, 1000, 2).rows.map((x) => x.id)).toEqual([11, 12]);
    expect(r.batchAfter(5, 1000, 2).rows.map((x) => x.id)).toEqual([6, 7]);
    expect(r.batchAfter(302, 1000, 10)).toEqual({ rows: [], more: false });
    // The writer answers "anything after the mark?" from its ids, the reader by reading: the same.
    for (const mark of [0, 301, 302, 400]) expect(log.hasRowsAfter(mark)).toBe(r.hasRowsAfter(mark));
  });

  it("starts new segments as they fill, reads across them, and prunes only segments the mark covers", () => {
    log = AlertLog.open(dir, 0, undefined, { segmentBytes: 1000 })!;
    const body = JSON.stringify([{ pad: "x".repeat(300) }]);
    for (let i = 0; i < 12; i++) log.append(1, body);
    expect(segments().length).toBeGreaterThan(3);
    expect(reader().rowsAfter(0, 100).map((r) => r.id)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const first = Number(segments()[1].slice(0, 16));
    log.prune(first - 2);
    expect(segments().length).toBeGreaterThan(3); // the first segment still holds a record past the mark
    log.prune(first - 1);
    expect(Number(segments()[0].slice(0, 16))).toBe(first);
    log.prune(12);
    expect(segments().length).toBe(1); // the one being written stays
    expect(reader().rowsAfter(4, 100).map((r) => r.id)).toEqual(Array.from({ length: 12 - Number(segments()[0].slice(0, 16)) + 1 }, (_, i) => i + Number(segments()[0].slice(0, 16))));
    log.append(1, body);
    expect(reader().rowsAfter(12, 10).map((r) => r.id)).toEqual([13]);
  });

  it("cuts a torn last record at open (a write a crash interrupted) and numbers on from the last whole one", () => {
    const file = writeAndClose(['["one"]', '["two"]']);
    const whole = fs.statSync(file).size;
    // Half of a third record, as a write cut short by kill -9 leaves it.
    fs.appendFileSync(file, encodeRecord(3, 1, '["three"]').subarray(0, 20));
    // A reader meanwhile takes it for a write still under way: not there yet, no error.
    expect(reader().rowsAfter(0, 10).map((r) => r.alerts)).toEqual(['["one"]', '["two"]']);
    log = AlertLog.open(dir, 0)!;
    expect(fs.statSync(file).size).toBe(whole);
    expect(log.append(1, '["four"]')).toBe(3);
    expect(reader().rowsAfter(0, 10).map((r) => r.alerts)).toEqual(['["one"]', '["two"]', '["four"]']);
  });

  it("cuts a record a copy caught half-way in an older segment, and zeros a power cut left at the end", () => {
    log = AlertLog.open(dir, 0, undefined, { segmentBytes: 100 })!;
    for (let i = 1; i <= 3; i++) log.append(1, JSON.stringify([`r${i}`, "x".repeat(100)]));
    log.close();
    log = null;
    const [first, , last] = segments().map((f) => path.join(dir, f));
    fs.truncateSync(first, fs.statSync(first).size - 10);
    fs.appendFileSync(last, Buffer.alloc(64));
    log = AlertLog.open(dir, 0)!;
    expect(reader().rowsAfter(0, 10).map((r) => r.id)).toEqual([2, 3]);
    expect(log.append(1, "[]")).toBe(4);
  });

  it("refuses to open on a damaged record in the newest segment that is not a power cut's zeros", () => {
    const file = writeAndClose(['["one"]', '["two"]']);
    // The first record's payload; the second, acknowledged, follows it.
    const size = damageFirstPayload(file);
    expect(() => AlertLog.open(dir, 0)).toThrow(/checksum mismatch at byte 0/);
    expect(fs.statSync(file).size).toBe(size); // nothing cut
  });

  it("refuses to open on a damaged record in an older segment", () => {
    const file = writeAndClose(['["one"]', '["two"]'], 10);
    damageFirstPayload(file);
    expect(() => AlertLog.open(dir, 0)).toThrow(/checksum mismatch at byte 0/);
    // The lock is let go: a repaired log opens.
    fs.rmSync(file);
    log = AlertLog.open(dir, 0)!;
    expect(log.append(1, "[]")).toBe(3);
  });

  it("is owned by one process at a time: another process's open gets null until the owner has ended", async () => {
    const script = `
      const { AlertLog } = await import(${JSON.stringify(new URL("./events.alert-log.ts", import.meta.url).href)});
      const log = AlertLog.open(process.argv[1], 0);
      console.log(log ? "owner" : "not owner");
      if (log) setTimeout(() => {}, 60_000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, dir], { stdio: ["ignore", "pipe", "inherit"] });
    const first = await new Promise<string>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())));
    expect(first).toBe("owner");
    expect(AlertLog.open(dir, 0)).toBeNull();
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    log = AlertLog.open(dir, 0);
    expect(log).not.toBeNull();
  });

  it("refuses to read a damaged record rather than skip it", () => {
    damageFirstPayload(writeAndClose(['["one"]', '["two"]']));
    expect(() => reader().rowsAfter(0, 10)).toThrow(/checksum mismatch at byte 0/);
  });

  it("lets one process append at a time; another appends to the table and takes the log over when it is free", async () => {
    log = AlertLog.open(dir, 0)!;
    expect(AlertLog.open(dir, 0)).toBeNull();
    const engine = new EventsEngine(tdb.db);
    await engine.ingest([incoming({ alertname: "Elsewhere" })]);
    expect(await journalCount(tdb.db)).toBe(1);
    expect(rowsIn()).toEqual([]);
    await engine.drain();
    expect(await journalCount(tdb.db)).toBe(0);
    expect((await tdb.db.selectFrom("alerts").select("fingerprint").execute()).length).toBe(1);
    log.close();
    log = null;
    await engine.sweep();
    await engine.ingest([incoming({ alertname: "Here" })]);
    expect(await journalCount(tdb.db)).toBe(0);
    expect(rowsIn().map((r) => r.count)).toEqual([1]);
    await engine.drain();
    expect((await tdb.db.selectFrom("alerts").select("fingerprint").execute()).length).toBe(2);
    await engine.stop();
  });

  it("never folds again records under the mark (a crash between the fold's commit and the prune)", async () => {
    const a = { alertname: "Crash", instance: "x" };
    log = AlertLog.open(dir, 0)!;
    log.append(1, JSON.stringify([incoming(a)]));
    const second = log.append(1, JSON.stringify([incoming(a)]));
    // Both records were folded and the mark committed, then the process died before pruning them.
    await setMark(second);
    log.append(1, JSON.stringify([incoming(a)]));
    log.close();
    log = null;
    const engine = new EventsEngine(tdb.db);
    await engine.drain();
    const after = await tdb.db.selectFrom("alerts").select("occurrences").where("fingerprint", "=", fingerprintOf(a)).executeTakeFirstOrThrow();
    expect(after.occurrences).toBe(1);
    await engine.stop();
  });

  it("numbers new records past the mark when the log was lost", async () => {
    await setMark(500);
    const engine = new EventsEngine(tdb.db);
    await engine.ingest([incoming({ alertname: "AfterLoss" })]);
    expect(reader().rowsAfter(500, 10).map((r) => [r.id, r.count])).toEqual([[501, 1]]);
    await engine.drain();
    expect((await tdb.db.selectFrom("alerts").select("fingerprint").execute()).length).toBe(1);
    expect(await foldedMark(tdb.db)).toBe(501);
    await engine.stop();
  });

  it("takes over the rows an earlier version left in its journal file, once", async () => {
    const legacy = legacyJournalFileFor(tdb.sqliteFile!);
    const old = new BetterSqlite3(legacy);
    old.pragma("journal_mode = WAL");
    old.exec(`create table "alert_journal" ("id" integer primary key, "received_at" text not null, "count" integer not null, "alerts" text not null)`);
    const put = old.prepare(`insert into "alert_journal" ("id", "received_at", "count", "alerts") values (?, ?, ?, ?)`);
    put.run(40, new Date().toISOString(), 0, "[]"); // the row an old prune kept at the mark
    put.run(41, new Date().toISOString(), 1, JSON.stringify([incoming({ alertname: "Old", instance: "1" })]));
    put.run(42, new Date().toISOString(), 1, JSON.stringify([incoming({ alertname: "Old", instance: "2" })]));
    old.close();
    await setMark(40);
    const engine = new EventsEngine(tdb.db);
    await engine.ingest([incoming({ alertname: "New" })]);
    expect(fs.existsSync(legacy)).toBe(false);
    expect(rowsIn().map((r) => r.id)).toEqual([41, 42, 43]);
    await engine.drain();
    const names = (await tdb.db.selectFrom("alerts").select("labels").execute()).map((r) => JSON.parse(r.labels).instance ?? "-").sort();
    expect(names).toEqual(["-", "1", "2"]);
    expect(await foldedMark(tdb.db)).toBe(43);
    await engine.stop();
  });
});
