/**
 * Background work: jobs claimed with leases and the outbox dispatcher. Any number of
 * processes may run a Worker against one database; each job and each event is handled by
 * exactly one of them.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Db, DbOrTrx } from "./db/schema.js";
import { claimJobs, claimOutbox, newWorkerId } from "./leases.js";
import type { EventBus } from "./outbox.js";
import { isoIn, nowIso } from "./time.js";
import { isUniqueViolation } from "./errors.js";

/** What a job handler receives. */
export interface JobContext {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  attempt: number;
  worker: string;
  db: Db;
}
export type JobHandler = (job: JobContext) => Promise<void>;

export interface EnqueueInput {
  type: string;
  payload?: Record<string, unknown>;
  runAt?: Date | string;
  maxAttempts?: number;
  /** A job with the same key is enqueued only once. */
  dedupeKey?: string;
}

/** Registry of job handlers by type. */
export class JobRegistry {
  readonly #handlers = new Map<string, JobHandler>();
  readonly #periodic = new Map<string, number>();
  /** Registers a job that runs every `everyMs` on one node of the cluster (server.ts schedules it). */
  every(type: string, everyMs: number, handler: JobHandler): void {
    this.register(type, handler);
    this.#periodic.set(type, everyMs);
  }
  /** The periodic job types with their intervals. */
  periodic(): Array<{ type: string; everyMs: number }> {
    return [...this.#periodic].map(([type, everyMs]) => ({ type, everyMs }));
  }
  /** Registers the handler of a job type. */
  register(type: string, handler: JobHandler): void {
    this.#handlers.set(type, handler);
  }
  /** The handler of a type, if any. */
  get(type: string): JobHandler | undefined {
    return this.#handlers.get(type);
  }
}

/** Adds a job; returns its id (or null when a job with the same dedupe key exists). */
export async function enqueueJob(db: DbOrTrx, input: EnqueueInput): Promise<string | null> {
  const id = randomUUID();
  const now = nowIso();
  const runAt = input.runAt ? new Date(input.runAt).toISOString() : now;
  try {
    await db
      .insertInto("jobs")
      .values({
        id,
        type: input.type,
        payload: JSON.stringify(input.payload ?? {}),
        state: "queued",
        run_at: runAt,
        attempts: 0,
        max_attempts: input.maxAttempts ?? 5,
        locked_by: null,
        locked_until: null,
        last_error: null,
        dedupe_key: input.dedupeKey ?? null,
        created_at: now,
        updated_at: now,
        finished_at: null,
      })
      .execute();
    return id;
  } catch (err) {
    if (input.dedupeKey && isUniqueViolation(err)) return null;
    throw err;
  }
}

export interface WorkerOptions {
  db: Db;
  jobs: JobRegistry;
  events: EventBus;
  logger?: Logger;
  workerId?: string;
  pollMs?: number;
  batchSize?: number;
  /** Events claimed per outbox round (events are cheaper than jobs, and claiming has a fixed cost). */
  outboxBatchSize?: number;
  /** After a round that found some events but not a full batch, wait this long for more. */
  outboxLingerMs?: number;
  /**
   * Events handled between two turns of the event loop. Handlers on SQLite run their queries
   * synchronously, and a round's promise chain never gives way to I/O on its own: a round of
   * 100 events held the API's requests and group commits for its whole length (the slowest
   * ticket creations waited for one). Batch handlers get runs of at most this many events; a
   * `ticket.created` that crosses a problem-suggestion threshold costs about ten statements.
   */
  outboxSliceSize?: number;
  leaseMs?: number;
}

/** Resolves on a later turn of the event loop, after pending I/O callbacks have run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Retry delay after the n-th failed attempt: 1 s, 4 s, 9 s ... capped at 10 minutes. */
function backoffMs(attempt: number): number {
  return Math.min(600_000, 1000 * attempt * attempt);
}

/** Polls for due jobs and outbox events and runs them; stop() waits for in-flight work. */
export class Worker {
  readonly id: string;
  readonly #o: Required<Omit<WorkerOptions, "logger" | "workerId">> & { logger?: Logger };
  #running = false;
  /** Wakers of the sleeping loops (outbox and jobs), keyed by loop. */
  readonly #wakers = new Set<() => void>();
  #loops: Promise<void>[] = [];

  constructor(options: WorkerOptions) {
    this.id = options.workerId ?? newWorkerId();
    this.#o = { pollMs: 250, batchSize: 20, outboxBatchSize: 100, outboxLingerMs: 20, outboxSliceSize: 10, leaseMs: 60_000, ...options };
  }

  /** Starts polling. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    // Two loops: a backlog of events never delays due jobs (SLA timers), and the other way round.
    const { outboxBatchSize, outboxLingerMs, pollMs } = this.#o;
    // Under a steady stream of events, claiming again at once would take a handful each round;
    // a short pause after a partial batch lets the next round take (and mark) many at once.
    const linger = (handled: number) => (handled > 0 && handled < outboxBatchSize ? Math.min(outboxLingerMs, pollMs) : 0);
    this.#loops = [this.#run("outbox", () => this.#dispatchOutbox(), linger), this.#run("jobs", () => this.#runJobs())];
  }

  /** Asks the loop to look for work now (called after enqueueing in this process). */
  poke(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  /** Stops taking work and resolves once in-flight jobs and events are finished. */
  async stop(): Promise<void> {
    this.#running = false;
    this.poke();
    await Promise.all(this.#loops);
  }

  /** Runs one polling round; returns how many items were handled. Exposed for tests. */
  async tick(): Promise<number> {
    const events = await this.#dispatchOutbox();
    const jobs = await this.#runJobs();
    return events + jobs;
  }

  async #run(name: string, round: () => Promise<number>, pause: (handled: number) => number = () => 0): Promise<void> {
    while (this.#running) {
      let handled = 0;
      try {
        handled = await round();
      } catch (err) {
        this.#o.logger?.error({ err, loop: name }, "worker round failed");
      }
      if (!this.#running) break;
      if (handled === 0) await this.#sleep(this.#o.pollMs);
      else if (pause(handled) > 0) await this.#sleep(pause(handled));
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const wake = () => {
        if (timer) clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      this.#wakers.add(wake);
      timer = setTimeout(wake, ms);
    });
  }

  async #runJobs(): Promise<number> {
    const { db, jobs, batchSize, leaseMs, logger } = this.#o;
    const claimed = await claimJobs(db, this.id, batchSize, leaseMs);
    for (const row of claimed) {
      const handler = jobs.get(row.type);
      try {
        if (!handler) throw new Error(`no handler registered for job type "${row.type}"`);
        await handler({ id: row.id, type: row.type, payload: JSON.parse(row.payload), attempt: row.attempts, worker: this.id, db });
        await db
          .updateTable("jobs")
          .set({ state: "done", locked_by: null, locked_until: null, finished_at: nowIso(), updated_at: nowIso(), last_error: null })
          .where("id", "=", row.id)
          .where("locked_by", "=", this.id)
          .execute();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const final = row.attempts >= row.max_attempts;
        logger?.warn({ job: row.id, type: row.type, attempt: row.attempts, err: message }, final ? "job failed for good" : "job failed, will retry");
        await db
          .updateTable("jobs")
          .set({
            state: final ? "failed" : "queued",
            run_at: final ? row.run_at : isoIn(backoffMs(row.attempts)),
            locked_by: null,
            locked_until: null,
            last_error: message.slice(0, 2000),
            updated_at: nowIso(),
            finished_at: final ? nowIso() : null,
          })
          .where("id", "=", row.id)
          .where("locked_by", "=", this.id)
          .execute();
      }
    }
    return claimed.length;
  }

  async #dispatchOutbox(): Promise<number> {
    const { db, events, outboxBatchSize, outboxSliceSize, leaseMs, logger } = this.#o;
    const claimed = await claimOutbox(db, this.id, outboxBatchSize, leaseMs);
    // Handled events (and those without handlers) are marked together in one statement at the
    // end of the round instead of one update each: the events are handled in order either way,
    // and one lost between handling and marking is redelivered after its lease, as it would be
    // if the process died inside a handler.
    const done: Array<(typeof claimed)[number]["id"]> = [];
    const toEvent = (row: (typeof claimed)[number]) => ({ id: Number(row.id), type: row.type, payload: JSON.parse(row.payload), createdAt: row.created_at });
    const fail = async (row: (typeof claimed)[number], err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      logger?.warn({ event: row.id, type: row.type, err: message }, "event handler failed, will retry");
      await db
        .updateTable("outbox")
        .set({ locked_by: null, locked_until: null, available_at: isoIn(backoffMs(row.attempts)), last_error: message.slice(0, 2000) })
        .where("id", "=", row.id)
        .where("locked_by", "=", this.id)
        .execute();
    };
    const slice = Math.max(1, outboxSliceSize);
    for (let i = 0; i < claimed.length; ) {
      // Let requests and commits that arrived meanwhile go first (see outboxSliceSize).
      if (i > 0 && i % slice === 0) await nextTurn();
      // A run of consecutive events of one type, within the slice, goes to the type's batch
      // handlers in one call (a failed run is retried one event at a time, so one bad event
      // fails only itself), then each event to its own handlers.
      const type = claimed[i].type;
      const sliceEnd = Math.min(claimed.length, (Math.floor(i / slice) + 1) * slice);
      let end = i + 1;
      while (end < sliceEnd && claimed[end].type === type) end++;
      const run = claimed.slice(i, end);
      i = end;
      const batchHandlers = events.batchHandlersFor(type);
      const handlers = events.handlersFor(type);
      if (!batchHandlers.length && !handlers.length) {
        for (const row of run) done.push(row.id);
        continue;
      }
      const failed = new Set<(typeof claimed)[number]>();
      const runEvents = run.map(toEvent);
      if (batchHandlers.length) {
        try {
          for (const handler of batchHandlers) await handler(runEvents);
        } catch {
          for (const [k, row] of run.entries()) {
            try {
              for (const handler of batchHandlers) await handler([runEvents[k]]);
            } catch (err) {
              await fail(row, err);
              failed.add(row);
            }
          }
        }
      }
      for (const [k, row] of run.entries()) {
        if (failed.has(row)) continue;
        try {
          for (const handler of handlers) await handler(runEvents[k]);
        } catch (err) {
          await fail(row, err);
          continue;
        }
        done.push(row.id);
      }
    }
    if (done.length) {
      await db
        .updateTable("outbox")
        .set({ dispatched_at: nowIso(), locked_by: null, locked_until: null, last_error: null })
        .where("id", "in", done)
        .where("locked_by", "=", this.id)
        .execute();
    }
    return claimed.length;
  }
}
