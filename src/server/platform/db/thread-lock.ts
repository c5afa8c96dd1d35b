/**
 * One SQLite writer at a time among the threads of this process, waited for without blocking.
 *
 * Each thread that writes the database file has its own connection. When two of them write at
 * once, SQLite makes the second wait in its busy handler, which sleeps the whole thread: on the
 * main thread that stops every request for up to the other transaction's length. Taking this
 * lock first (a cell of shared memory, Atomics) turns that into an asynchronous wait: the event
 * loop goes on while the other thread commits. Other processes on the same file are not
 * covered; SQLite's own locking (BEGIN IMMEDIATE, busy_timeout) still orders those.
 */
import type { DatabaseConnection, QueryResult, CompiledQuery } from "kysely";
import { SqliteDriver, type SqliteDialectConfig } from "kysely";
import { threadId } from "node:worker_threads";

// Node has had Atomics.waitAsync since 16; the TypeScript lib of this project's target predates it.
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

const FREE = 0;
// A holder that died (a terminated worker) must not stop the others for good: past this wait,
// SQLite's own locking takes over for that write.
const GIVE_UP_MS = 10_000;

/** The lock over a shared cell holding its holder's thread id + 1; every thread builds its own from the same buffer. */
export class ThreadWriteLock {
  readonly #cell: Int32Array;
  readonly #me = threadId + 1;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.#cell = new Int32Array(buffer);
  }

  /** Frees the lock if the given thread (one that ended) held it. */
  releaseFor(deadThreadId: number): void {
    if (Atomics.compareExchange(this.#cell, 0, deadThreadId + 1, FREE) === deadThreadId + 1) Atomics.notify(this.#cell, 0);
  }

  /** Resolves once this thread holds the lock (true), or after GIVE_UP_MS without it (false). */
  async acquire(): Promise<boolean> {
    const until = Date.now() + GIVE_UP_MS;
    for (;;) {
      const holder = Atomics.compareExchange(this.#cell, 0, FREE, this.#me);
      if (holder === FREE) return true;
      const left = until - Date.now();
      if (left <= 0) return false;
      const wait = waitAsync(this.#cell, 0, holder, left);
      if (wait.async) await wait.value;
    }
  }

  release(): void {
    if (Atomics.compareExchange(this.#cell, 0, this.#me, FREE) === this.#me) Atomics.notify(this.#cell, 0);
  }
}

const READ = /^\s*(select|pragma|explain|values)\b/i;
const WITH = /^\s*with\b/i;
const WRITE_IN_WITH = /\b(insert|update|delete|replace)\b/i;

/** True when the statement only reads (a write misjudged as a read merely falls back to SQLite's busy wait). */
export function onlyReads(sql: string): boolean {
  return READ.test(sql) || (WITH.test(sql) && !WRITE_IN_WITH.test(sql));
}

/** Kysely's SQLite driver, taking the thread lock around each transaction and each write outside one. */
export class ThreadLockedSqliteDriver extends SqliteDriver {
  readonly #lock: ThreadWriteLock;
  #inTransaction = false;
  #held = false;
  /** The one connection, wrapped once (Kysely's SQLite driver has a single connection). */
  #wrapped: { of: DatabaseConnection; as: DatabaseConnection } | null = null;

  constructor(config: SqliteDialectConfig, lock: ThreadWriteLock) {
    super(config);
    this.#lock = lock;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    if (this.#wrapped?.of !== connection) this.#wrapped = { of: connection, as: this.#wrap(connection) };
    return this.#wrapped.as;
  }

  #wrap(connection: DatabaseConnection): DatabaseConnection {
    return {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        if (this.#inTransaction || onlyReads(query.sql)) return connection.executeQuery<R>(query);
        const held = await this.#lock.acquire();
        try {
          return await connection.executeQuery<R>(query);
        } finally {
          if (held) this.#lock.release();
        }
      },
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    this.#held = await this.#lock.acquire();
    this.#inTransaction = true;
    try {
      await super.beginTransaction(connection);
    } catch (err) {
      this.#end();
      throw err;
    }
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    // A failed commit leaves the transaction open: Kysely rolls it back next, which ends it.
    await super.commitTransaction(connection);
    this.#end();
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } finally {
      this.#end();
    }
  }

  #end(): void {
    this.#inTransaction = false;
    if (this.#held) this.#lock.release();
    this.#held = false;
  }
}
