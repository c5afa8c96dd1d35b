/**
 * Keeping the SQLite full-text index of tickets in few segments.
 *
 * FTS5 writes each transaction's new tickets as a segment of its own and merges segments by
 * itself only level by level (automerge): a desk that opens tickets all day keeps a few dozen
 * segments, and a search probes every one of them for each word (after 5,000 creations in
 * batches, the full-text part of a quick search took 132 us; in one segment, 69). This job
 * merges them down, a bounded amount of work per transaction, as FTS5's `merge` command with a
 * negative page count does (all segments towards one, incrementally), and stops when there is
 * nothing left to merge or its time is up. PostgreSQL's GIN index needs nothing of the kind.
 *
 * It waits for a quiet minute. A step holds the writer for its length, and with the index grown
 * large a step of 200 pages took 26-55 ms: under 2,000 creations a second each one delayed a
 * hundred of them past 25 ms, and a run's steps made most of the slow answers of the minute it
 * fell in (ticket-create --paced-runs 5, 2026-12-07: runs over 25 ms server-side 65-819 with the
 * job, 1-240 without). A busy desk loses little by waiting: FTS5's own merges keep the segments
 * to a few dozen, and a probe of each costs microseconds.
 */
import { CompiledQuery } from "kysely";
import type { Db } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { stepsWithin } from "../../platform/db/steps.js";

/** Pages one merge step writes at most: a few milliseconds of the writer's time. */
const MERGE_PAGES = 200;
/** How long one run may go on, in steps with the event loop free between them. */
const MERGE_BUDGET_MS = 200;

const CHANGES = CompiledQuery.raw("select total_changes() as n", []);
const mergeStep = (pages: number) => CompiledQuery.raw(`insert into tickets_fts(tickets_fts, rank) values ('merge', ${-Math.max(1, Math.floor(pages))})`, []);

/** Ticket creations within a minute that make it a busy one, in which the job does not merge. */
const BUSY_CREATIONS = 600;
const BUSY_WINDOW_MS = 60_000;

/**
 * Whether tickets are being written fast enough that merging now would hold them up: at least
 * `creations` tickets created in the last `windowMs`. One row read, by the primary key.
 */
export async function ticketWritesBusy(db: Db, { creations = BUSY_CREATIONS, windowMs = BUSY_WINDOW_MS, now = Date.now() }: { creations?: number; windowMs?: number; now?: number } = {}): Promise<boolean> {
  const row = await db.selectFrom("tickets").select("created_at").orderBy("id", "desc").limit(1).offset(Math.max(0, creations - 1)).executeTakeFirst();
  return row !== undefined && new Date(row.created_at).getTime() >= now - windowMs;
}

/**
 * The periodic job: merges (mergeSearchIndex) unless the last minute was a busy one
 * (ticketWritesBusy). How many steps did work; null when it left the index for a quieter minute.
 */
export async function searchMergeJob(db: Db, busy: Parameters<typeof ticketWritesBusy>[1] = {}): Promise<number | null> {
  if (await ticketWritesBusy(db, busy)) return null;
  return mergeSearchIndex(db);
}

/** Segments of the ticket index now (SQLite; tests and diagnostics). */
export async function searchSegments(db: Db): Promise<number> {
  if (isPostgres(db)) return 0;
  const { rows } = await db.executeQuery<{ n: number }>(CompiledQuery.raw("select count(distinct segid) as n from tickets_fts_idx", []));
  return rows[0]?.n ?? 0;
}

/**
 * Merges the ticket index's segments, `pages` at a time, for at most `budgetMs`; how many steps
 * did work. FTS5 tells a step that merged from one that found nothing to do by the rows it
 * changed (two or more when it worked).
 */
export async function mergeSearchIndex(db: Db, { pages = MERGE_PAGES, budgetMs = MERGE_BUDGET_MS }: { pages?: number; budgetMs?: number } = {}): Promise<number> {
  if (isPostgres(db)) return 0;
  return stepsWithin(budgetMs, () =>
    db.transaction().execute(async (trx) => {
      const before = (await trx.executeQuery<{ n: number }>(CHANGES)).rows[0].n;
      await trx.executeQuery(mergeStep(pages));
      return (await trx.executeQuery<{ n: number }>(CHANGES)).rows[0].n - before >= 2 ? 1 : 0;
    }),
  );
}
