import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../../../test/helpers/test-db.js";
import { MIGRATION_NAMES, migrateToLatest, migrationsDone } from "./migrate.js";

// The migrations of the landed versions (up to 2026-12-06): installations have them applied, so
// their names are frozen and every new one must sort after the last of them. Append new ones
// here when they land.
const RELEASED = [
  "0001-platform", "0002-cmdb", "0003-cmdb-indexes", "0004-tickets", "0005-events", "0006-sla", "0007-changes", "0009-problems",
  "0010-ticket-indexes", "0011-ticket-list-indexes", "0012-cmdb-compact-history", "0013-cmdb-name-trigrams", "0014-alert-partial-indexes",
  "0015-cmdb-relationship-log", "0016-alert-journal", "0017-unicode-lower", "0021-cmdb-narrow-status-indexes",
  // Landed with session 6's submission:
  "0022-cmdb-one-name-index", "0023-ticket-fewer-indexes", "0024-ticket-group-index-kind",
  // Landed with session 13's submission:
  "0025-ticket-search-wider-merges",
];

describe("migrations", () => {
  let tdb: TestDb;
  beforeEach(async () => {
    tdb = await createTestDb({ shared: true, migrate: false });
  });
  afterEach(async () => tdb.cleanup());

  it("apply once; a second run changes nothing", async () => {
    expect(await migrationsDone(tdb.db)).toBe(false);
    expect(await migrateToLatest(tdb.db)).toEqual(MIGRATION_NAMES);
    expect(await migrateToLatest(tdb.db)).toEqual([]);
    expect(await migrationsDone(tdb.db)).toBe(true);
  });

  it("keep the released names first and in order; new ones sort after them", () => {
    expect(MIGRATION_NAMES.slice(0, RELEASED.length)).toEqual(RELEASED);
    expect([...MIGRATION_NAMES].sort()).toEqual(MIGRATION_NAMES);
  });

  it("upgrade a database of an earlier release", async () => {
    // Session 5's set (up to 0021): the ones after it apply on top.
    const upTo = RELEASED.indexOf("0021-cmdb-narrow-status-indexes") + 1;
    expect(await migrateToLatest(tdb.db, { upTo: RELEASED[upTo - 1] })).toEqual(RELEASED.slice(0, upTo));
    expect(await migrateToLatest(tdb.db)).toEqual(MIGRATION_NAMES.slice(upTo));
  });

  it("wait on SQLite for another node's migrations longer than for a busy database, then wait as before", async (ctx) => {
    if (!tdb.sqliteFile) return ctx.skip();
    await sql`pragma busy_timeout = 100`.execute(tdb.db);
    // Another process holds the write lock for longer than the usual wait, as a migrating node does.
    const holder = spawn(process.execPath, ["-e", HOLD_LOCK, tdb.sqliteFile, "600"], { stdio: ["ignore", "pipe", "inherit"] });
    const done = new Promise((resolve) => holder.on("exit", resolve));
    await new Promise((resolve) => holder.stdout.once("data", resolve)); // "locked"
    expect(await migrateToLatest(tdb.db)).toEqual(MIGRATION_NAMES);
    expect(await done).toBe(0);
    const { rows } = await sql<{ timeout: number }>`select timeout from pragma_busy_timeout`.execute(tdb.db);
    expect(rows[0].timeout).toBe(100);
  });

  it("are safe when two nodes start at once", async () => {
    // Two separate processes running `opsdesk migrate` against the same database.
    const env = { ...process.env, DATABASE_URL: tdb.databaseUrl ?? "" };
    const args = ["--import", "tsx", "src/cli/index.ts", "migrate", ...(tdb.sqliteFile ? ["--data", path.dirname(tdb.sqliteFile)] : [])];
    const outputs = await Promise.all([0, 1].map(() => run(process.execPath, args, env)));
    expect(outputs.map((o) => o.trim()).sort()).toEqual([`applied: ${MIGRATION_NAMES.join(", ")}`, "database is up to date"]);
    const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(tdb.db);
    expect(rows.rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
  }, 30_000);
});

/** A node process that takes the database's write lock, says "locked", holds it for argv[2] ms, commits and exits. */
const HOLD_LOCK = `
const db = new (require("better-sqlite3"))(process.argv[1]);
db.exec("begin immediate");
process.stdout.write("locked\\n");
setTimeout(() => { db.exec("commit"); db.close(); }, Number(process.argv[2]));
`;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}
