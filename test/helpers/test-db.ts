/**
 * A fresh database per test: in-memory SQLite by default, or a private PostgreSQL database when
 * OPSDESK_TEST_DB=pg, so runs never see each other's rows.
 *
 * On PostgreSQL, migrating a fresh schema cost ~600 ms per test, and dropping it ~100 ms: over
 * a third of the PostgreSQL suite. Instead the migrations run once, into a template database
 * named after them, and each test gets a copy of it (CREATE DATABASE ... TEMPLATE, ~30 ms; the
 * drop ~15 ms).
 */
import { createHash, randomBytes } from "node:crypto";
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

/** A PostgreSQL URL for another database of the same server. */
export function pgUrlForDatabase(name: string): string {
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  return url.toString();
}

const MIGRATIONS_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), "../../src/server/platform/db/migrations");

/**
 * The template's name: it changes with what the migrations write (the migrator, the dialect's
 * column types they use, Kysely's version that turns them into DDL, and each migration's file
 * name and contents), so that a template left by an earlier checkout is never copied by a later one.
 */
function templateName(): string {
  const hash = createHash("sha256");
  hash.update(fs.readFileSync(path.join(MIGRATIONS_DIR, "../migrate.ts")));
  hash.update(fs.readFileSync(path.join(MIGRATIONS_DIR, "../dialect.ts")));
  hash.update(fs.readFileSync(path.join(MIGRATIONS_DIR, "../../../../../node_modules/kysely/package.json")));
  for (const file of fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith(".ts")).sort()) {
    hash.update(file);
    hash.update(fs.readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  return `opsdesk_tpl_${hash.digest("hex").slice(0, 16)}`;
}

let template: Promise<string> | null = null;

/**
 * The migrated template database, made by the first test process that needs it (the others
 * wait on an advisory lock) and marked ready by a comment once migrated; one that was left
 * half-made is made again.
 */
function templateDatabase(): Promise<string> {
  template ??= (async () => {
    const name = templateName();
    const client = new pg.Client({ connectionString: PG_BASE });
    await client.connect();
    try {
      await client.query("select pg_advisory_lock(hashtext('opsdesk test template'))");
      const { rows } = await client.query<{ ready: string | null }>("select shobj_description(oid, 'pg_database') as ready from pg_database where datname = $1", [name]);
      if (rows[0]?.ready === "ready") return name;
      if (rows.length) await client.query(`drop database ${name} with (force)`);
      await client.query(`create database ${name}`);
      const db = openDb({ databaseUrl: pgUrlForDatabase(name), poolSize: 2 });
      try {
        await migrateToLatest(db);
      } finally {
        await db.destroy();
      }
      await client.query(`comment on database ${name} is 'ready'`);
      return name;
    } finally {
      await client.query("select pg_advisory_unlock(hashtext('opsdesk test template'))").catch(() => {});
      await client.end();
    }
  })();
  // A failure is reported to the test that asked, and the next one tries again.
  template.catch(() => (template = null));
  return template;
}

/**
 * Opens a fresh, migrated database. `shared: true` gives SQLite a file (instead of memory)
 * so that child processes can open the same database.
 */
export async function createTestDb(options: { shared?: boolean; migrate?: boolean } = {}): Promise<TestDb> {
  const migrate = options.migrate ?? true;
  if (usePg) {
    const name = `t_${process.pid}_${randomBytes(4).toString("hex")}`;
    // Migrated: a copy of the template. Not migrated (tests of the migrations): an empty database.
    await adminQuery(migrate ? `create database ${name} template ${await templateDatabase()}` : `create database ${name}`);
    const databaseUrl = pgUrlForDatabase(name);
    const db = openDb({ databaseUrl, poolSize: 5 });
    return {
      db,
      databaseUrl,
      sqliteFile: null,
      async cleanup() {
        await db.destroy();
        // FORCE: a child process (a second node, a CLI) may still be connected.
        await adminQuery(`drop database if exists ${name} with (force)`);
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
