/**
 * The bulk endpoint's batches, and the CSV import's, reconciled on a thread of their own
 * (SQLite files). A batch of CIs is CPU-bound from end to end (identification, row building,
 * the inserts and the commit) and on the main thread it left the machine's other core mostly
 * idle while every other request waited behind it. Here the main thread keeps the HTTP side
 * (body parsing, validation, the answer; an import's CSV parsing) and the thread runs
 * `bulkReconcile` (or `reconcileCsvRecords`) itself, through its own connection to the same
 * file, taking the thread write lock (platform/db/thread-lock.ts) like the alert fold does.
 * The thread's young generation is larger than the main thread's: a batch allocates tens of
 * megabytes of short-lived objects, and a larger nursery scavenges them less often without
 * touching the latency of the main thread's requests.
 *
 * Errors cross back as they were thrown: an AppError keeps its status, code, message and
 * details, so the answer is the one the same batch gets on the main thread.
 */
import type { BulkBody, BulkResult } from "../../../contract/index.js";
import type { ReconcileItem } from "./bulk.cis.js";
import type { CsvBatchOutcome } from "./csv.service.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { AppError } from "../../platform/errors.js";
import { sqliteFileOf, threadWriteLockOf } from "../../platform/db/db.js";
import type { Db } from "../../platform/db/schema.js";
import { DatabaseThread, siblingModule } from "../../platform/threads.js";

/** What the thread starts with. */
export interface BulkThreadData {
  file: string;
  lock: SharedArrayBuffer;
}

export type BulkRequest =
  | { type: "reconcile"; id: number; actor: Actor; input: BulkBody }
  | { type: "csv"; id: number; actor: Actor; source: string; matchKeys: string[][] | null; records: ReconcileItem[]; dryRun: boolean }
  | { type: "stop" };

/** An error as it crosses the thread boundary. */
export interface CarriedError {
  app: boolean;
  status: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export type BulkReply = { type: "ready" } | { type: "done"; id: number; result: unknown } | { type: "failed"; id: number; error: CarriedError };

const ENTRY = siblingModule(import.meta.url, "bulk.worker");
// MiB of young generation for the thread (Node's default is 16 MiB semi-spaces, 48 in all).
const YOUNG_GENERATION_MB = 96;

/** An error thrown in the thread, as the main thread sees it. */
export function carriedError(err: unknown): CarriedError {
  if (err instanceof AppError) return { app: true, status: err.status, code: err.code, message: err.message, details: err.details };
  return { app: false, status: 500, code: "internal", message: err instanceof Error ? err.message : String(err), details: {} };
}

function rebuilt(e: CarriedError): Error {
  return e.app ? new AppError(e.status, e.code, e.message, e.details) : new Error(`bulk thread: ${e.message}`);
}

/** The thread of one database file. */
export class BulkThread extends DatabaseThread<BulkRequest, BulkReply> {
  constructor(data: BulkThreadData) {
    super(ENTRY, data, "bulk thread", { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB });
  }

  protected failureOf(m: BulkReply): Error | null {
    return m.type === "failed" ? rebuilt(m.error) : null;
  }

  protected valueOf(m: BulkReply): unknown {
    return m.type === "done" ? m.result : undefined;
  }

  /** bulkReconcile on the thread: resolves with its answer once committed, or rejects with its error. */
  reconcile(actor: Actor, input: BulkBody): Promise<BulkResult> {
    return this.ask((id) => ({ type: "reconcile", id, actor, input }));
  }

  /** reconcileCsvRecords (csv.service.ts) on the thread: one batch of an import's rows. */
  csvBatch(actor: Actor, source: string, matchKeys: string[][] | null, records: ReconcileItem[], dryRun: boolean): Promise<CsvBatchOutcome> {
    return this.ask((id) => ({ type: "csv", id, actor, source, matchKeys, records, dryRun }));
  }

  /** Closes the thread's connection and ends it (batches in progress finish first). */
  stop(): Promise<void> {
    return this.stopWith({ type: "stop" }, 10_000);
  }
}

// A thread that dies is replaced at the next batch, this many times; then batches run in process.
const THREAD_DEATHS = 3;

interface Slot {
  thread: BulkThread | null;
  deaths: number;
}
const slots = new WeakMap<Db, Slot>();

/** Lets `db` (an SQLite file) reconcile bulk batches on a thread (started at the first batch); the app's configuration decides. */
export function useBulkThread(db: Db): void {
  if (sqliteFileOf(db) && threadWriteLockOf(db) && !slots.has(db)) slots.set(db, { thread: null, deaths: 0 });
}

/** True when `db`'s batches go to a thread (useBulkThread took it, and it has not been stopped). */
export function usesBulkThread(db: Db): boolean {
  return slots.has(db);
}

/** The thread for `db`'s batches; null when there is none to use (PostgreSQL, in-memory, turned off, or died too often). */
export function bulkThreadFor(db: Db): BulkThread | null {
  const slot = slots.get(db);
  if (!slot) return null;
  if (slot.thread && !slot.thread.alive) {
    slot.thread = null;
    slot.deaths++;
  }
  if (!slot.thread && slot.deaths < THREAD_DEATHS) slot.thread = new BulkThread({ file: sqliteFileOf(db)!, lock: threadWriteLockOf(db)! });
  return slot.thread;
}

/** Ends `db`'s thread, if it has one (the app's close). */
export async function stopBulkThread(db: Db): Promise<void> {
  const slot = slots.get(db);
  slots.delete(db);
  await slot?.thread?.stop();
}
