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
import type { CompiledQuery, DatabaseConnection, Driver, QueryCompiler, QueryResult } from "kysely";
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

/** One waiter at a time for the one connection, in the order they came. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves with the function that frees it, once every earlier holder has. */
  lock(): Promise<() => void> {
    let free!: () => void;
    const mine = new Promise<void>((resolve) => (free = resolve));
    const before = this.#tail;
    this.#tail = before.then(() => mine);
    return before.then(() => free);
  }
}

/** What Kysely holds between acquireConnection and releaseConnection: a turn at the one connection. */
class Turn implements DatabaseConnection {
  /** Frees the connection (set while this turn holds it). */
  free: (() => void) | null = null;
  /** Frees this thread's writer queue (set while this turn's transaction holds it, from before BEGIN to after COMMIT or ROLLBACK). */
  writer: (() => void) | null = null;
  /** This turn's transaction holds the thread lock. */
  locked = false;

  constructor(
    readonly driver: ThreadLockedSqliteDriver,
    readonly connection: DatabaseConnection,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.run(this, query);
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    await this.driver.hold(this);
    yield* this.connection.streamQuery<R>(query, chunkSize);
  }
}

/**
 * Kysely's SQLite driver, taking the thread lock around each transaction and each write outside
 * one. Kysely's own driver hands its one connection to one caller at a time from
 * acquireConnection on; here a caller takes the connection only when it runs its first statement,
 * and a transaction or a write takes the thread lock before the connection. So while the main
 * thread's transaction waits for another thread's (the alert fold's, a bulk batch's), reads on
 * the main thread go on; before, they queued behind the waiting transaction for as long as the
 * other thread wrote.
 */
export class ThreadLockedSqliteDriver implements Driver {
  readonly #lock: ThreadWriteLock;
  readonly #mutex = new Mutex();
  // This thread's writers, in turn: one at a time waits for the thread lock, in the order they came.
  readonly #writers = new Mutex();
  /** Kysely's driver: it opens the connection, runs BEGIN, COMMIT and savepoints, and closes. */
  readonly #inner: SqliteDriver;
  #connection: DatabaseConnection | null = null;

  constructor(config: SqliteDialectConfig, lock: ThreadWriteLock) {
    this.#inner = new SqliteDriver(config);
    this.#lock = lock;
  }

  async init(): Promise<void> {
    await this.#inner.init();
    // Its one connection, taken from behind its mutex for good: turns share it here.
    this.#connection = await this.#inner.acquireConnection();
  }

  async destroy(): Promise<void> {
    await this.#inner.destroy();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Turn(this, this.#connection!);
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    return this.#inner.savepoint(connection, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    return this.#inner.rollbackToSavepoint(connection, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    return this.#inner.releaseSavepoint(connection, name, compile);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const turn = connection as Turn;
    this.#unlock(turn);
    turn.free?.();
    turn.free = null;
  }

  /** Takes the connection for `turn`, if it does not hold it yet. */
  async hold(turn: Turn): Promise<void> {
    if (!turn.free) turn.free = await this.#mutex.lock();
  }

  /**
   * Runs one statement for `turn`: a write outside a transaction takes the thread lock first,
   * then the connection. A turn that already holds the connection outside a transaction (a
   * `db.connection()` session: the migrations) writes without the thread lock, as waiting for it
   * there could wait for a writer that waits for this connection; SQLite's busy wait orders it.
   */
  async run<R>(turn: Turn, query: CompiledQuery): Promise<QueryResult<R>> {
    if (turn.writer || turn.free || onlyReads(query.sql)) {
      await this.hold(turn);
      return turn.connection.executeQuery<R>(query);
    }
    const writer = await this.#writers.lock();
    const held = await this.#lock.acquire();
    try {
      await this.hold(turn);
      return await turn.connection.executeQuery<R>(query);
    } finally {
      if (held) this.#lock.release();
      writer();
    }
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const turn = connection as Turn;
    // The thread lock before the connection: waiting for another thread holds up no one here.
    turn.writer = await this.#writers.lock();
    turn.locked = await this.#lock.acquire();
    try {
      await this.hold(turn);
      await this.#inner.beginTransaction(turn);
    } catch (err) {
      this.#unlock(turn);
      throw err;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    // A failed commit leaves the transaction open: Kysely rolls it back next, which ends it.
    await this.#inner.commitTransaction(connection);
    this.#unlock(connection as Turn);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.#inner.rollbackTransaction(connection);
    } finally {
      this.#unlock(connection as Turn);
    }
  }

  #unlock(turn: Turn): void {
    if (turn.locked) this.#lock.release();
    turn.locked = false;
    turn.writer?.();
    turn.writer = null;
  }
}
