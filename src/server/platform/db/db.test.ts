import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../../../test/helpers/test-db.js";
import { boundLimits, checkpointerStats, onWalRestartHold, openDb, startCheckpointer, syncFdOf, withStatementCache } from "./db.js";
import { param, runPrecompiled } from "./precompiled.js";

describe("SQLite statement cache", () => {
  it("reuses a prepared statement, but never one that is still iterating", () => {
    const sqlite = new BetterSqlite3(":memory:");
    const db = withStatementCache(sqlite);
    sqlite.exec("create table t (n integer); insert into t values (1), (2), (3)");
    const a = db.prepare("select n from t");
    expect(db.prepare("select n from t")).toBe(a);
    const iter = a.iterate([]);
    iter.next(); // `a` is now busy
    const b = db.prepare("select n from t");
    expect(b).not.toBe(a);
    expect(b.all([])).toHaveLength(3);
    iter.return?.();
    db.close();
  });
});

describe("SQLite limits", () => {
  it("bound limits and offsets are written as casts and page the same rows, in every shape", () => {
    expect(boundLimits(`select 1 from t order by n limit ? offset ?`)).toBe(`select 1 from t order by n limit cast(? as integer) offset cast(? as integer)`);
    // Quoted text keeps what it says.
    expect(boundLimits(`select 'no limit ?' as "offset ?", 'it''s limit ?' from t limit ?`)).toBe(`select 'no limit ?' as "offset ?", 'it''s limit ?' from t limit cast(? as integer)`);
    const sqlite = new BetterSqlite3(":memory:");
    const db = withStatementCache(sqlite);
    sqlite.exec("create table t (n integer primary key); insert into t (n) values (1), (2), (3), (4), (5)");
    const page = db.prepare(`select n from t order by n desc limit ? offset ?`);
    expect(page.all([2, 1])).toEqual([{ n: 4 }, { n: 3 }]);
    expect(page.all([10, 3])).toEqual([{ n: 2 }, { n: 1 }]);
    // The shape whose bound LIMIT SQLite planned again on every run: a UNION ALL of a limited subquery.
    const union = db.prepare(`select 0 as n union all select * from (select n from t where n > ? order by n limit ?)`);
    expect(union.all([1, 2])).toEqual([{ n: 0 }, { n: 2 }, { n: 3 }]);
    expect(union.all([3, 5])).toEqual([{ n: 0 }, { n: 4 }, { n: 5 }]);
    // No limit (-1), as SQLite reads it.
    expect(page.all([-1, 4])).toEqual([{ n: 1 }]);
  });
});

describe("precompiled queries", () => {
  let tdb: TestDb;
  beforeEach(async () => {
    tdb = await createTestDb();
  });
  afterEach(async () => tdb.cleanup());

  it("compile once and run with each call's parameters", async () => {
    const now = new Date().toISOString();
    for (const key of ["a", "b"]) await tdb.db.insertInto("settings").values({ key, value: `v-${key}`, updated_at: now }).execute();
    const find = (key: string) =>
      runPrecompiled(tdb.db, "test.setting", () => tdb.db.selectFrom("settings").select("value").where("key", "=", param("key")), { key });
    expect(await find("a")).toEqual([{ value: "v-a" }]);
    expect(await find("b")).toEqual([{ value: "v-b" }]);
    expect(await find("c")).toEqual([]);
  });
});

describe("SQLite temporary storage", () => {
  it("keeps statement journals in memory, and a savepoint over many pages still rolls back", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-temp-"));
    const db = openDb({ sqliteFile: path.join(dir, "db.sqlite") });
    try {
      // 2 = MEMORY: what a savepoint or a multi-row write keeps to undo itself never goes to a file.
      expect((await sql<{ temp_store: number }>`pragma temp_store`.execute(db)).rows[0].temp_store).toBe(2);
      await sql`create table t (id integer primary key, data text not null)`.execute(db);
      await db.transaction().execute(async (trx) => {
        await sql`insert into t (data) values ('kept')`.execute(trx);
        await sql`savepoint big`.execute(trx);
        // ~4 MB under the savepoint: far past the 64 KiB at which SQLite would spill it to a temporary file.
        await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 4000) insert into t (data) select printf('%.1000c', 'x') from n`.execute(trx);
        await sql`rollback to savepoint big`.execute(trx);
        await sql`release savepoint big`.execute(trx);
      });
      expect((await sql<{ data: string }>`select data from t`.execute(db)).rows).toEqual([{ data: "kept" }]);
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Writes `count` blobs of 256 KiB, one transaction each, a little at a time, as a busy server writes. */
async function writeBlobs(db: ReturnType<typeof openDb>, count: number): Promise<void> {
  await sql`create table blobs (id integer primary key, data blob not null)`.execute(db);
  const chunk = Buffer.alloc(256 * 1024, 7);
  for (let i = 0; i < count; i++) {
    await db.transaction().execute(async (trx) => {
      await sql`insert into blobs (data) values (${chunk})`.execute(trx);
    });
    await new Promise((r) => setTimeout(r, 4));
  }
}

describe("SQLite WAL checkpoints", () => {
  it("hold writers off to start the WAL over only past 128 MB of it, not at every 16 MB", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-ckpt-"));
    const file = path.join(dir, "db.sqlite");
    const db = openDb({ sqliteFile: file });
    try {
      // ~24 MB, past the 4,000 pages at which the WAL used to start over, with the writers held off each time.
      await writeBlobs(db, 96);
      // Rounds keep copying the WAL into the database file meanwhile, without holding anyone off.
      const deadline = Date.now() + 10_000;
      while (checkpointerStats(db)!.rounds < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      const stats = checkpointerStats(db)!;
      expect(stats.rounds).toBeGreaterThan(4);
      expect(stats.lockedRestarts).toBe(0);
      expect(stats.writerRestarts).toBe(0);
      // (The WAL file's size proves nothing here: SQLite also starts it over by itself whenever a
      // round happens to finish between two writes.)
      expect((await sql<{ n: number }>`select count(*) as n from blobs`.execute(db)).rows[0].n).toBe(96);
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a second handle (checkpointer: false) leaves checkpoints to the first instead of running them at 1,000 pages", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-ckpt-"));
    const file = path.join(dir, "db.sqlite");
    const first = openDb({ sqliteFile: file });
    const second = openDb({ sqliteFile: file, checkpointer: false });
    try {
      const pages = async (db: typeof first) => (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)).rows[0].wal_autocheckpoint;
      expect(await pages(first)).toBe(100_000);
      expect(await pages(second)).toBe(100_000);
    } finally {
      await second.destroy();
      await first.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("starts a large WAL over from the checkpointer's thread, holding the writers' thread lock, never on the writer's thread", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-ckpt-"));
    const file = path.join(dir, "db.sqlite");
    // This one starts over at 16 MB of WAL (the default is 128 MB), so that the test writes little.
    const db = openDb({ sqliteFile: file, walRestartPages: 4000 });
    const heard: number[] = [];
    const stopListening = onWalRestartHold(db, (ms) => heard.push(ms));
    try {
      // ~48 MB: far past the 4,000 pages (16 MB) at which this WAL is to start over.
      await writeBlobs(db, 192);
      const deadline = Date.now() + 10_000;
      while (!checkpointerStats(db)!.lockedRestarts && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const stats = checkpointerStats(db)!;
      expect(stats.rounds).toBeGreaterThan(0);
      expect(stats.lockedRestarts).toBeGreaterThan(0);
      expect(stats.writerRestarts).toBe(0);
      // The database file was synced outside the lock ahead of each locked restart (that sync
      // is what made the holds long), so the locked round syncs only its last few pages.
      expect(stats.dbSyncs).toBeGreaterThanOrEqual(stats.lockedRestarts);
      // How long the writers were held off is counted (/metrics shows it).
      expect(stats.heldMs).toBeGreaterThan(0);
      expect(stats.maxHeldMs).toBeGreaterThan(0);
      expect(stats.maxHeldMs).toBeLessThanOrEqual(stats.heldMs);
      // Each hold is told to the listeners (the /metrics histogram), and only the locked ones.
      expect(heard).toHaveLength(stats.lockedRestarts);
      expect(Math.max(...heard)).toBe(stats.maxHeldMs);
      stopListening();
      // Started over: the WAL file holds far less than everything written.
      expect(fs.statSync(`${file}-wal`).size).toBeLessThan(40 * 1024 * 1024);
      expect((await sql<{ n: number }>`select count(*) as n from blobs`.execute(db)).rows[0].n).toBe(192);
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps one descriptor per database file for the checkpointer's syncs, never closed, and a new one for a file made anew", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-syncfd-"));
    try {
      const file = path.join(dir, "db.sqlite");
      expect(syncFdOf(file)).toBeNull();
      fs.writeFileSync(file, "");
      const fd = syncFdOf(file)!;
      expect(fd).toBeGreaterThan(2);
      // The same file, also by another spelling of its path: the same descriptor.
      expect(syncFdOf(path.join(dir, ".", "db.sqlite"))).toBe(fd);
      fs.rmSync(file);
      fs.writeFileSync(file, "");
      const again = syncFdOf(file)!;
      expect(again).not.toBe(fd);
      expect(fs.fstatSync(again).ino).toBe(fs.statSync(file).ino);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("without a thread lock (the alert journal file), the writer finishes a large WAL's restart itself, after the thread did the rest", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-ckpt-"));
    const file = path.join(dir, "journal.sqlite");
    const sqlite = new BetterSqlite3(file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    // Restarts at 1,000 pages (4 MB) here; the journal file uses the default.
    const checkpointer = startCheckpointer(sqlite, file, null, 1000)!;
    try {
      sqlite.exec("create table blobs (id integer primary key, data blob not null)");
      const insert = sqlite.prepare("insert into blobs (data) values (?)");
      const chunk = Buffer.alloc(256 * 1024, 7);
      // ~24 MB, one synchronous insert at a time as the alert intake appends, with pauses for the thread's rounds.
      for (let i = 0; i < 96; i++) {
        insert.run(chunk);
        await new Promise((r) => setTimeout(r, 4));
      }
      const deadline = Date.now() + 10_000;
      while (!checkpointer.stats.writerRestarts && Date.now() < deadline) {
        insert.run(chunk);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(checkpointer.stats.writerRestarts).toBeGreaterThan(0);
      expect(checkpointer.stats.lockedRestarts).toBe(0);
      expect(checkpointer.stats.heldMs).toBe(0);
      // Started over: far less than the ~24 MB written.
      expect(fs.statSync(`${file}-wal`).size).toBeLessThan(16 * 1024 * 1024);
    } finally {
      checkpointer.stop();
      sqlite.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
