/**
 * A fresh database per test: in-memory SQLite by default, or a private PostgreSQL schema when
 * OPSDESK_TEST_DB=pg, so runs never see each other's rows.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDb } from "../../src/server/platform/db/db.js";
import { migrateToLatest } from "../../src/server/platform/db/migrate.js";
import type { Db } from "../../src/server/platform/db/schema.js";

export const usePg = process.env.OPSDESK_TEST_DB === "pg";
const PG_BASE = process.env.OPSDESK_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDb {
  db: Db;
  /** For other processes: a DATABASE_URL (PostgreSQL) ... */
  databaseUrl: string | null;
  /** ... or the SQLite file (only for `shared` databases). */
  sqliteFile: string | null;
  cleanup(): Promise<void>;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_BASE });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL URL whose connections use the given schema. */
export function pgUrlFor(schema: string): string {
  const url = new URL(PG_BASE);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
}

/**
 * Opens a fresh, migrated database. `shared: true` gives SQLite a file (instead of memory)
 * so that child processes can open the same database.
 */
export async function createTestDb(options: { shared?: boolean; migrate?: boolean } = {}): Promise<TestDb> {
  const migrate = options.migrate ?? true;
  if (usePg) {
    const schema = `t_${process.pid}_${randomBytes(4).toString("hex")}`;
    await adminQuery(`create schema ${schema}`);
    const databaseUrl = pgUrlFor(schema);
    const db = openDb({ databaseUrl, poolSize: 5 });
    if (migrate) await migrateToLatest(db);
    return {
      db,
      databaseUrl,
      sqliteFile: null,
      async cleanup() {
        await db.destroy();
        await adminQuery(`drop schema if exists ${schema} cascade`);
      },
    };
  }
  let dir: string | null = null;
  let sqliteFile = ":memory:";
  if (options.shared) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdesk-test-"));
    sqliteFile = path.join(dir, "opsdesk.sqlite");
  }
  const db = openDb({ sqliteFile });
  if (migrate) await migrateToLatest(db);
  return {
    db,
    databaseUrl: null,
    sqliteFile: options.shared ? sqliteFile : null,
    async cleanup() {
      await db.destroy();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
