/**
 * Folding the SQLite alert log on a thread of its own. Ingest answers once an alert is in
 * the log; folding it into `alerts` (reading the rows there are, binding CIs, checking
 * silences, writing rows and history) is as much CPU again. On the main thread the two take
 * turns on one core; here the fold runs beside the requests, on the other core. The main
 * thread still decides when to fold, prunes the journal (it is the one that appends to it), adds
 * the counted repeats and runs correlation and incident work.
 *
 * Both threads write the database file, each through its own connection, taking the thread
 * write lock first (platform/db/thread-lock.ts), so the main thread waits for a fold's commit
 * without blocking its event loop.
 */
import type { Worker } from "node:worker_threads";
import { ThreadWriteLock } from "../../platform/db/thread-lock.js";
import { siblingModule, startModuleWorker } from "../../platform/threads.js";

/** What the thread starts with. */
export interface FoldThreadData {
  file: string;
  /** The alert log's directory (events.alert-log.ts); the thread reads it, the main thread appends. */
  journalDir: string;
  lock: SharedArrayBuffer;
}

export type FoldRequest = { type: "fold"; id: number } | { type: "persist"; id: number } | { type: "cmdb" } | { type: "suppression" } | { type: "stop" };

/** One fold's outcome, as the thread reports it. */
export interface FoldReply {
  type: "folded";
  alerts: number;
  more: boolean;
  pending: boolean;
  mark: number;
}

type Message = { type: "ready" } | (FoldReply & { id: number }) | { type: "persisted"; id: number } | { type: "failed"; id: number; message: string };

const ENTRY = siblingModule(import.meta.url, "events.fold-worker");

/** The fold thread of one engine. */
export class FoldThread {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve(r: never): void; reject(e: Error): void }>();
  #next = 1;
  #dead: Error | null = null;

  constructor(data: FoldThreadData) {
    this.#worker = startModuleWorker(ENTRY, data);
    this.#worker.unref();
    this.#worker.on("message", (m: Message) => {
      if (m.type === "ready") return;
      const waiter = this.#waiting.get(m.id);
      if (!waiter) return;
      this.#waiting.delete(m.id);
      if (m.type === "failed") waiter.reject(new Error(`fold thread: ${m.message}`));
      else waiter.resolve(m as never);
    });
    const lock = new ThreadWriteLock(data.lock);
    const worker = this.#worker.threadId;
    const die = (err: Error) => {
      this.#dead ??= err;
      // Ended in the middle of a transaction: SQLite rolled it back; the lock must not stay taken.
      lock.releaseFor(worker);
      for (const w of this.#waiting.values()) w.reject(err);
      this.#waiting.clear();
    };
    this.#worker.on("error", die);
    this.#worker.on("exit", (code) => die(new Error(`fold thread exited (${code})`)));
  }

  /** False once the thread has failed or exited: the engine then starts another, or folds itself. */
  get alive(): boolean {
    return this.#dead === null;
  }

  /** Folds one batch (up to FOLD_BATCH alerts) of the alert log after the mark, committed when this resolves. */
  fold(): Promise<FoldReply> {
    return this.#ask("fold");
  }

  /** Adds the repeats the thread counted to their rows (committed when this resolves). */
  async persist(): Promise<void> {
    await this.#ask("persist");
  }

  #ask<R>(type: "fold" | "persist"): Promise<R> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#next++;
    return new Promise<R>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (r: never) => void, reject });
      this.#worker.postMessage({ type, id } satisfies FoldRequest);
    });
  }

  /** Tells the thread a cache of its went stale. */
  invalidate(what: "cmdb" | "suppression"): void {
    if (!this.#dead) this.#worker.postMessage({ type: what } satisfies FoldRequest);
  }

  /** Ends the thread at once, as a crash would (tests; stop's last resort). */
  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }

  /** Closes the thread's connections and ends it (a fold in progress finishes first: messages are handled in order). */
  async stop(): Promise<void> {
    if (this.#dead) return;
    const exited = new Promise<void>((resolve) => this.#worker.once("exit", () => resolve()));
    this.#worker.postMessage({ type: "stop" } satisfies FoldRequest);
    const timer = setTimeout(() => void this.#worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }
}
