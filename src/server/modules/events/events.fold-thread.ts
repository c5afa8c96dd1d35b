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
import { DatabaseThread, siblingModule } from "../../platform/threads.js";

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
export class FoldThread extends DatabaseThread<FoldRequest, Message> {
  constructor(data: FoldThreadData) {
    super(ENTRY, data, "fold thread");
  }

  protected failureOf(m: Message): Error | null {
    return m.type === "failed" ? new Error(`fold thread: ${m.message}`) : null;
  }

  protected valueOf(m: Message): unknown {
    return m;
  }

  /** Folds one batch (up to FOLD_BATCH alerts) of the alert log after the mark, committed when this resolves. */
  fold(): Promise<FoldReply> {
    return this.ask((id) => ({ type: "fold", id }));
  }

  /** Adds the repeats the thread counted to their rows (committed when this resolves). */
  async persist(): Promise<void> {
    await this.ask((id) => ({ type: "persist", id }));
  }

  /** Tells the thread a cache of its went stale. */
  invalidate(what: "cmdb" | "suppression"): void {
    this.tell({ type: what });
  }

  /** Closes the thread's connections and ends it (a fold in progress finishes first: messages are handled in order). */
  stop(): Promise<void> {
    return this.stopWith({ type: "stop" }, 5000);
  }
}
