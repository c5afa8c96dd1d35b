import { execFile } from "node:child_process";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../../../test/helpers/test-db.js";
import { MIGRATION_NAMES, migrateToLatest, migrationsDone } from "./migrate.js";

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

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}
