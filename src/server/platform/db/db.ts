import fs from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from "kysely";
import type { Database, Db } from "./schema.js";
import { registerDialect, SqliteBooleanPlugin } from "./dialect.js";

/** Where the database lives. */
export interface DbOptions {
  /** PostgreSQL connection string; when absent SQLite is used. */
  databaseUrl?: string | null;
  /** SQLite file path, or ":memory:". */
  sqliteFile?: string;
  /** PostgreSQL schema to use (search_path); tests use one schema per run. */
  pgSchema?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

const PG_TIMESTAMPTZ = 1184;
const PG_TIMESTAMP = 1114;
const PG_INT8 = 20;

/** Timestamps come back as ISO strings, exactly like SQLite stores them. */
function pgTypeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === PG_TIMESTAMPTZ || oid === PG_TIMESTAMP) {
    return (v: string) => new Date(oid === PG_TIMESTAMP ? `${v}Z` : v).toISOString();
  }
  if (oid === PG_INT8) return (v: string) => Number(v);
  return pg.types.getTypeParser(oid, (format ?? "text") as "text");
}

/** Opens the configured database: PostgreSQL when a URL is given, SQLite (WAL) otherwise. */
export function openDb(options: DbOptions): Db {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: { getTypeParser: pgTypeParser as typeof pg.types.getTypeParser },
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    // An idle client losing its connection must not crash the process.
    pool.on("error", () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    registerDialect(db, "postgres");
    return db;
  }
  const file = options.sqliteFile ?? ":memory:";
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // 64 MiB of page cache instead of SQLite's 2 MiB: a CMDB of a million CIs has indexes of
  // gigabytes, and bulk loads touch them all over (30% faster at 130,000 CIs). Pages are
  // allocated as they are read, so a small database never uses it.
  sqlite.pragma("cache_size = -65536");
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    plugins: [new SqliteBooleanPlugin()],
  });
  registerDialect(db, "sqlite");
  return db;
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; on a hot path SQLite then parses and plans the same SQL
 * on every request (a quarter of an authenticated GET's CPU). This keeps the most recently
 * used statements, by SQL text. A statement still iterating (a streamed export) is never
 * handed out twice: a busy one is replaced by a fresh one.
 */
export function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        cache.delete(sql);
        cache.set(sql, hit); // most recently used last
        return hit;
      }
      const stmt = sqlite.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}

/** The SQLite file inside a data directory. */
export function sqliteFileIn(dataDir: string): string {
  return path.join(dataDir, "opsdesk.sqlite");
}
