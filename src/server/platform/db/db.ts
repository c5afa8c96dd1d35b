import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect, SqliteDialect, type Driver, type SqliteDatabase, type SqliteDialectConfig, type SqliteStatement } from "kysely";
import type { Database, Db } from "./schema.js";
import { registerDialect, sqliteBindable } from "./dialect.js";
import { ThreadLockedSqliteDriver, ThreadWriteLock } from "./thread-lock.js";

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
  /**
   * SQLite file: the write lock shared with the other threads of this process that open the same
   * file (thread-lock.ts); a new one when absent. Read it back with threadWriteLockOf().
   */
  threadLock?: SharedArrayBuffer;
  /** SQLite file: run the background checkpointer thread (default true; a second handle in another thread leaves it to the first). */
  checkpointer?: boolean;
  /** SQLite file: WAL pages past which the checkpointer starts the WAL over (default WAL_RESTART_PAGES; tests use fewer). */
  walRestartPages?: number;
}

const threadLocks = new WeakMap<Db, ThreadWriteLock>();
const files = new WeakMap<Db, string>();

/** The file of an SQLite file database (null for PostgreSQL and ":memory:"): another thread's openDb opens it. */
export function sqliteFileOf(db: Db): string | null {
  return files.get(db) ?? null;
}

/** The write lock of an SQLite file database, to hand to another thread's openDb (null for PostgreSQL and ":memory:"). */
export function threadWriteLockOf(db: Db): SharedArrayBuffer | null {
  return threadLocks.get(db)?.buffer ?? null;
}

/** Kysely's SQLite dialect with the thread write lock in its driver. */
class ThreadLockedSqliteDialect extends SqliteDialect {
  constructor(
    readonly dialectConfig: SqliteDialectConfig,
    readonly lock: ThreadWriteLock,
  ) {
    super(dialectConfig);
  }

  override createDriver(): Driver {
    return new ThreadLockedSqliteDriver(this.dialectConfig, this.lock);
  }
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
  // Statement journals (what a savepoint or a multi-row write inside a transaction keeps to undo
  // itself) in memory instead of a temporary file, which SQLite spills to past 64 KiB. A bulk
  // batch of 1,000 CIs journals each page it touches first (~2,700 at a million CIs): on a file
  // that cost ~15 us of system time per CI there, and a million CIs loaded 6-23% faster in
  // memory in two alternating pairs and one more run each (bench/RESULTS.md, 2026-12-06; no
  // difference at 300,000). Sorts and temporary tables that outgrow the page cache stay in
  // memory too; the queries here sort small pages of rows or walk indexes.
  sqlite.pragma("temp_store = MEMORY");
  // SQLite's lower() folds only A-Z; searches with other letters call this one (migration 0017
  // gives PostgreSQL the same name).
  sqlite.function("unicode_lower", { deterministic: true }, (value: unknown) => (typeof value === "string" ? value.toLowerCase() : value));
  const lock = file === ":memory:" ? null : new ThreadWriteLock(options.threadLock);
  const checkpointer = file === ":memory:" || options.checkpointer === false ? null : startCheckpointer(sqlite, file, lock, options.walRestartPages);
  // A second handle (the fold thread's) leaves checkpoints to the first handle's checkpointer:
  // with SQLite's default it would run one itself at the commit that crosses 1,000 WAL pages,
  // waiting for the database file's fsync in the middle of its work (~15 ms per 2,000-alert fold).
  if (file !== ":memory:" && options.checkpointer === false) sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const dialectConfig: SqliteDialectConfig = { database: withStatementCache(sqlite, () => checkpointer?.stop()) };
  if (file === ":memory:") {
    const db = new Kysely<Database>({ dialect: new SqliteDialect(dialectConfig) });
    registerDialect(db, "sqlite");
    return db;
  }
  const db = new Kysely<Database>({ dialect: new ThreadLockedSqliteDialect(dialectConfig, lock!) });
  threadLocks.set(db, lock!);
  files.set(db, path.resolve(file));
  if (checkpointer) checkpointers.set(db, checkpointer);
  registerDialect(db, "sqlite");
  return db;
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * `limit ?` / `offset ?` (how Kysely writes every limit) as `cast(? as integer)`. Where SQLite's
 * planner reads a LIMIT's value (an ORDER BY ... LIMIT in a subquery, a UNION ALL), a bare
 * parameter marks the statement to be prepared again whenever a new value is bound, so each run
 * parsed and planned it anew: the relationship log's catch-up read took 8.5 us with `limit ?`
 * and 1.4 us with the number written in or cast. A cast is an expression, not a parameter the
 * plan depends on; the rows are the same.
 */
export function boundLimits(sql: string): string {
  if (!/\b(limit|offset) \?/i.test(sql)) return sql;
  // Quoted text ('...' strings, "..." and `...` names, with doubled quotes inside) is left as written.
  return sql.replace(/('(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`)|\b(limit|offset) \?/gi, (match, quoted: string | undefined, word: string | undefined) =>
    quoted !== undefined ? quoted : `${word} cast(? as integer)`,
  );
}

interface CachedStatement extends SqliteStatement {
  readonly stmt: BetterSqlite3.Statement;
}

/** A statement whose parameters are made bindable (booleans as 1/0) on the way in. */
function bindableStatement(stmt: BetterSqlite3.Statement): CachedStatement {
  return {
    stmt,
    reader: stmt.reader,
    all: (parameters) => stmt.all(sqliteBindable(parameters)),
    run: (parameters) => stmt.run(sqliteBindable(parameters)),
    iterate: (parameters) => stmt.iterate(sqliteBindable(parameters)),
  };
}

/**
 * Kysely prepares every query anew; on a hot path SQLite then parses and plans the same SQL
 * on every request (a quarter of an authenticated GET's CPU). This keeps the most recently
 * used statements, by SQL text. A statement still iterating (a streamed export) is never
 * handed out twice: a busy one is replaced by a fresh one. Booleans are turned into 1/0 here,
 * on the parameter list, rather than by a Kysely plugin that would rebuild every query's tree.
 */
export function withStatementCache(sqlite: BetterSqlite3.Database, onClose?: () => void): SqliteDatabase {
  const cache = new Map<string, CachedStatement>();
  return {
    close: () => {
      onClose?.();
      sqlite.close();
    },
    prepare(text: string) {
      // Kysely opens transactions with a plain BEGIN, which reads first and only takes the
      // write lock at the first write; when another process wrote in between, SQLite then
      // fails at once (SQLITE_BUSY_SNAPSHOT) instead of waiting. BEGIN IMMEDIATE waits for
      // the lock up front (busy_timeout), so several nodes on one file queue instead of failing.
      // Kept by the text as given: the rewrites below run only when a statement is prepared.
      const hit = cache.get(text);
      if (hit && !hit.stmt.busy) {
        cache.delete(text);
        cache.set(text, hit); // most recently used last
        return hit;
      }
      const stmt = bindableStatement(sqlite.prepare(text === "begin" ? "begin immediate" : boundLimits(text)));
      cache.set(text, stmt);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}

const CHECKPOINT_EVERY_MS = 100;
// The writer still checkpoints by itself past this many WAL pages (400 MB), should the
// background checkpoints fall behind or fail.
const FALLBACK_AUTOCHECKPOINT_PAGES = 100_000;
/**
 * Past this many WAL pages (128 MB), once the background checkpoint has nearly caught up, the
 * last few pages are copied with every writer held off, so that the next transaction starts the
 * WAL over. Holding them off lasts two fsyncs (the WAL's new pages, then the database file):
 * 16-27 ms on this project's test machine, 25-70 ms once the database is a few hundred MB, and
 * 5-15 ms since the checkpointer first copies and syncs what it can without holding anyone
 * (CHECKPOINT_WORKER), and every write waits that long. At 4,000 pages (16
 * MB), under 2,000-3,000 ticket creations a second, it happened 47-70 times in a 30-second run
 * (0.6-1.0 s of writes held up in all, and the creations that waited made the latency's p99);
 * at 32,000, 8-9 times (0.14 s) (bench/RESULTS.md, 2026-12-07). The price is disk: the WAL
 * file grows to about this size before it starts over (SQLite keeps the file and reuses it).
 */
export const WAL_RESTART_PAGES = 32_000;
const RESTART_LAG_PAGES = 256;
// How long the checkpointer waits for the thread write lock before leaving it for the next round.
const RESTART_LOCK_WAIT_MS = 2000;
const CHECKPOINT_WORKER = `
const { parentPort, workerData, threadId } = require("node:worker_threads");
const fs = require("node:fs");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
const cell = workerData.lock ? new Int32Array(workerData.lock) : null;
const me = threadId + 1;
const { restartAt, lag, anyway, lockWaitMs } = workerData;
function checkpoint() {
  try { return db.pragma("wal_checkpoint(PASSIVE)")[0]; } catch { return null; }
}
// Writes the WAL's new pages to disk without SQLite, through a descriptor of this thread's own
// (SQLite locks the database and -shm files, not the WAL, so this one's closing at the thread's
// end drops no lock of SQLite's).
let walFd = null;
function syncWal() {
  try {
    walFd ??= fs.openSync(workerData.file + "-wal", "r");
    fs.fdatasyncSync(walFd);
  } catch {}
}
// The same for the database file, through the descriptor the main thread keeps (syncFdOf).
function syncDb() {
  if (workerData.dbFd === null) return false;
  try { fs.fdatasyncSync(workerData.dbFd); return true; } catch { return false; }
}
// The thread write lock (thread-lock.ts) taken synchronously: this thread has no event loop to keep.
// Returns fn's result and how long the lock was held (ms), or null when it was not free in time.
function underLock(fn) {
  const until = Date.now() + lockWaitMs;
  for (;;) {
    const holder = Atomics.compareExchange(cell, 0, 0, me);
    if (holder === 0) break;
    const left = until - Date.now();
    if (left <= 0) return null;
    Atomics.wait(cell, 0, holder, left);
  }
  const from = performance.now();
  try { return { result: fn(), heldMs: performance.now() - from }; } finally { if (Atomics.compareExchange(cell, 0, me, 0) === me) Atomics.notify(cell, 0); }
}
parentPort.on("message", () => {
  let result = checkpoint();
  let locked = null;
  let dbSynced = false;
  if (result && result.log >= restartAt && (result.checkpointed >= result.log - lag || result.log >= anyway)) {
    // What the locked round has to do, done first without the lock: copy the pages written
    // during the round above, write the WAL's newest pages and the database file to disk, and
    // copy what came in meanwhile. The locked round then copies and syncs only what came in
    // the last few milliseconds. The database file's sync matters most: SQLite syncs it only
    // at a checkpoint that copies the whole WAL, which under steady writes is the locked one,
    // so that one used to write out every page copied since the last restart. Holds of 25-70 ms
    // at a few hundred MB without it, 5-15 ms with it (ticket-create --paced-runs 5, 2026-12-07).
    result = checkpoint() ?? result;
    syncWal();
    dbSynced = syncDb();
    result = checkpoint() ?? result;
    // Without a thread lock (the alert journal, written by one thread), that writer finishes it.
    if (cell) locked = underLock(checkpoint);
  }
  parentPort.postMessage({ result, locked: locked?.result ?? null, heldMs: locked?.heldMs ?? 0, dbSynced });
});
`;

/** What a database's checkpointer did (tests, diagnostics). */
export interface CheckpointerStats {
  /** Passive checkpoints run on the checkpointer's thread. */
  rounds: number;
  /** Checkpoints finished on that thread with the thread write lock held (the WAL then starts over). */
  lockedRestarts: number;
  /** Checkpoints the writer's own thread finished (no thread lock to hold writers off). */
  writerRestarts: number;
  /** Milliseconds the locked checkpoints held the thread write lock, in all and at most. */
  heldMs: number;
  maxHeldMs: number;
  /** Syncs of the database file by the checkpointer's thread ahead of a restart, outside the lock. */
  dbSyncs: number;
}

interface Checkpointer {
  stop(): void;
  readonly stats: CheckpointerStats;
  /** Told of each locked restart's hold, in milliseconds (metrics). */
  readonly holdListeners: Set<(ms: number) => void>;
}

const checkpointers = new WeakMap<Db, Checkpointer>();

/** The database's checkpointer counts (null: none runs, e.g. in memory or a second handle). */
export function checkpointerStats(db: Db): CheckpointerStats | null {
  return checkpointers.get(db)?.stats ?? null;
}

/**
 * Calls `listener` with the length (ms) of each restart that holds the database's writers off,
 * until the returned function is called. A no-op where no checkpointer runs.
 */
export function onWalRestartHold(db: Db, listener: (ms: number) => void): () => void {
  const listeners = checkpointers.get(db)?.holdListeners;
  listeners?.add(listener);
  return () => void listeners?.delete(listener);
}

// One read-only descriptor per database file, for the checkpointer's fsyncs, by path.
const syncFds = new Map<string, { fd: number; ino: number }>();
/**
 * A descriptor of `file` to fsync it by, opened once per file and process and never closed:
 * closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
 * included (SQLite's own descriptors are kept from that by its VFS, this one would not be).
 * A file deleted and made anew under the same path gets a new descriptor. Null if it cannot
 * be opened (the checkpointer then leaves that sync to SQLite).
 */
export function syncFdOf(file: string): number | null {
  const key = path.resolve(file);
  try {
    const ino = fs.statSync(key).ino;
    const known = syncFds.get(key);
    if (known?.ino === ino) return known.fd;
    const fd = fs.openSync(key, "r");
    syncFds.set(key, { fd, ino });
    return fd;
  } catch {
    return null;
  }
}

/**
 * Moves WAL checkpoints off the event loop. With SQLite's default, the commit that crosses
 * 1,000 WAL pages copies them into the database file and fsyncs it, blocking every request
 * for several milliseconds (under an ingest load, one commit in ten). A worker thread with
 * its own connection runs passive checkpoints every 100 ms instead, which never block the
 * writer. A passive checkpoint cannot start the WAL over while writes keep coming, so when it
 * has nearly caught up on a large WAL, the last pages are copied with no write under way:
 * - with `lock` (the thread write lock of this process's writers), by the worker while it holds
 *   the lock: writers on other threads wait for it asynchronously, the event loop goes on;
 * - without (the alert journal file, written synchronously by one thread), by the writer
 *   itself, a short checkpoint instead of one of thousands of pages.
 */
export function startCheckpointer(sqlite: BetterSqlite3.Database, file: string, lock: ThreadWriteLock | null = null, restartPages = WAL_RESTART_PAGES): Checkpointer | null {
  // Whatever the lag, past twice the restart point the checkpoint is finished that way.
  const anyway = 2 * restartPages;
  let worker: Worker;
  try {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    worker = new Worker(CHECKPOINT_WORKER, {
      eval: true,
      workerData: {
        driver,
        file: path.resolve(file),
        lock: lock?.buffer ?? null,
        restartAt: restartPages,
        lag: RESTART_LAG_PAGES,
        anyway,
        lockWaitMs: RESTART_LOCK_WAIT_MS,
        dbFd: syncFdOf(file),
      },
    });
  } catch {
    return null; // SQLite's own checkpoints still run
  }
  sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const stats: CheckpointerStats = { rounds: 0, lockedRestarts: 0, writerRestarts: 0, heldMs: 0, maxHeldMs: 0, dbSyncs: 0 };
  const holdListeners = new Set<(ms: number) => void>();
  let running = false;
  let stopped = false;
  worker.on("message", ({ result, locked, heldMs, dbSynced }: { result: { log: number; checkpointed: number } | null; locked: unknown; heldMs: number; dbSynced: boolean }) => {
    if (dbSynced) stats.dbSyncs++;
    running = false;
    stats.rounds++;
    if (locked) stats.lockedRestarts++;
    stats.heldMs += heldMs;
    stats.maxHeldMs = Math.max(stats.maxHeldMs, heldMs);
    if (locked) for (const listener of holdListeners) listener(heldMs);
    if (lock || stopped || !result || result.log < restartPages) return;
    if (result.checkpointed < result.log - RESTART_LAG_PAGES && result.log < anyway) return;
    try {
      sqlite.pragma("wal_checkpoint(PASSIVE)");
      stats.writerRestarts++;
    } catch {
      // busy or closed: the next round tries again
    }
  });
  const threadOfWorker = worker.threadId;
  // A worker that ended while holding the write lock must not keep the writers waiting.
  const ended = () => lock?.releaseFor(threadOfWorker);
  worker.on("error", () => {
    clearInterval(timer);
    ended();
    if (!stopped) sqlite.pragma("wal_autocheckpoint = 1000");
  });
  worker.on("exit", ended);
  worker.unref();
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    worker.postMessage("checkpoint");
  }, CHECKPOINT_EVERY_MS).unref();
  return {
    stats,
    holdListeners,
    stop() {
      stopped = true;
      clearInterval(timer);
      // Node closes the files a worker opened when it ends.
      void worker.terminate();
    },
  };
}

/** The SQLite file inside a data directory. */
export function sqliteFileIn(dataDir: string): string {
  return path.join(dataDir, "opsdesk.sqlite");
}

/** Opens the database a configuration names: PostgreSQL when it has a URL, else SQLite in its data directory. */
export function openConfiguredDb(config: { databaseUrl: string | null; dataDir: string }): Db {
  return openDb({ databaseUrl: config.databaseUrl, sqliteFile: sqliteFileIn(config.dataDir) });
}
