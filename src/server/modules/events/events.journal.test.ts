import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { createTestDb, type TestDb } from "../../../../test/helpers/test-db.js";
import { openDb } from "../../platform/db/db.js";
import type { Db } from "../../platform/db/schema.js";
import { engineFor, EventsEngine } from "./events.engine.js";
import { fingerprintOf } from "./events.fingerprint.js";
import { appendJournal, FOLDED_MARK_KEY, foldedMark } from "./events.journal.js";
import { JournalFile, journalFileFor } from "./events.journal-file.js";
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

describe.skipIf(usePg)("the alert journal file (SQLite)", () => {
  let tdb: TestDb;
  let journal: JournalFile;
  beforeEach(async () => {
    tdb = await createTestDb({ shared: true });
    journal = new JournalFile(journalFileFor(tdb.sqliteFile!));
  });
  afterEach(async () => {
    journal.close();
    await tdb.cleanup();
  });
  const rowsIn = (j: JournalFile) => j.rowsAfter(0, 1000);
  const setMark = (mark: number) =>
    tdb.db.insertInto("settings").values({ key: FOLDED_MARK_KEY, value: String(mark), updated_at: new Date().toISOString() }).onConflict((oc) => oc.column("key").doUpdateSet({ value: String(mark) })).execute();

  it("appends accepted alerts to the file beside the database, folds them, moves the mark and prunes the file", async () => {
    const engine = new EventsEngine(tdb.db);
    await engine.ingest([incoming({ alertname: "InFile", instance: "a" }), incoming({ alertname: "InFile", instance: "b" })]);
    // Acknowledged: in the file (committed, visible to another connection), not in the table.
    const rows = rowsIn(journal);
    expect(rows.map((r) => r.count)).toEqual([2]);
    expect(await journalCount(tdb.db)).toBe(0);
    await engine.drain();
    expect((await tdb.db.selectFrom("alerts").select("fingerprint").execute()).length).toBe(2);
    expect(await foldedMark(tdb.db)).toBe(rows[0].id);
    // Pruned but for the row at the mark, which keeps the next id past it.
    expect(rowsIn(journal).map((r) => r.id)).toEqual([rows[0].id]);
    expect(journal.hasRowsAfter(rows[0].id)).toBe(false);
    await engine.ingest([incoming({ alertname: "InFile", instance: "c" })]);
    expect(journal.rowsAfter(rows[0].id, 10).length).toBe(1);
    await engine.stop();
  });

  it("gives a fold the oldest rows up to its alert budget, however small the rows (counts read first)", () => {
    for (let i = 0; i < 300; i++) journal.append(1, "[]");
    journal.append(50, "[]");
    journal.append(7, "[]");
    const all = rowsIn(journal);
    // 300 rows of one alert: far past a fixed row limit, all within a budget of 320.
    const a = journal.batchAfter(0, 320, 4096);
    expect(a.rows.map((r) => r.id)).toEqual(all.slice(0, 300).map((r) => r.id));
    expect(a.more).toBe(true);
    expect(a.rows[0]).toEqual({ id: all[0].id, count: 1, alerts: "[]" });
    // A row larger than the budget still goes alone, so a fold always moves.
    expect(journal.batchAfter(all[299].id, 10, 4096)).toEqual({ rows: [all[300]], more: true });
    expect(journal.batchAfter(all[299].id, 57, 4096)).toEqual({ rows: all.slice(300), more: false });
    // The row limit holds too.
    expect(journal.batchAfter(0, 1000, 10).rows.length).toBe(10);
    expect(journal.batchAfter(all.at(-1)!.id, 1000, 10)).toEqual({ rows: [], more: false });
  });

  it("never folds again rows under the mark (a crash between the fold's commit and the prune)", async () => {
    const a = { alertname: "Crash", instance: "x" };
    journal.append(1, JSON.stringify([incoming(a)]));
    const second = journal.append(1, JSON.stringify([incoming(a)]));
    // Both rows were folded and the mark committed, then the process died before pruning them.
    await setMark(second);
    const third = journal.append(1, JSON.stringify([incoming(a)]));
    const engine = new EventsEngine(tdb.db);
    await engine.drain();
    const after = await tdb.db.selectFrom("alerts").select("occurrences").where("fingerprint", "=", fingerprintOf(a)).executeTakeFirstOrThrow();
    expect(after.occurrences).toBe(1);
    expect(rowsIn(journal).map((r) => r.id)).toEqual([third]);
    await engine.stop();
  });

  it("copies the appending handle's WAL into the file on a thread of its own (the event loop never checkpoints)", async () => {
    const file = journalFileFor(tdb.sqliteFile!).replace(/\.sqlite$/, ".ckpt.sqlite");
    const appender = new JournalFile(file, { checkpointer: true });
    try {
      const before = fs.statSync(file).size;
      // ~100 WAL pages: far under any autocheckpoint, so only the checkpointer thread copies them.
      for (let i = 0; i < 100; i++) appender.append(1, JSON.stringify([{ pad: "x".repeat(4000), i }]));
      const deadline = Date.now() + 10_000;
      while (fs.statSync(file).size < before + 300_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(fs.statSync(file).size).toBeGreaterThan(before + 300_000);
      expect(appender.rowsAfter(0, 1000).length).toBe(100);
    } finally {
      appender.close();
    }
  });

  it("numbers new rows past the mark when the journal file was lost", async () => {
    await setMark(500);
    journal.close();
    const file = journalFileFor(tdb.sqliteFile!);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    const engine = new EventsEngine(tdb.db);
    await engine.ingest([incoming({ alertname: "AfterLoss" })]);
    journal = new JournalFile(file);
    expect(journal.rowsAfter(500, 10).map((r) => r.count)).toEqual([1]);
    await engine.drain();
    expect((await tdb.db.selectFrom("alerts").select("fingerprint").execute()).length).toBe(1);
    expect(await foldedMark(tdb.db)).toBeGreaterThan(500);
    await engine.stop();
  });
});
