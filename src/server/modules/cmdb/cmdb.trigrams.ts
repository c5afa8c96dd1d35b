/**
 * The tail of the trigram index of CI names (SQLite; migration 0026): the CIs created since the
 * index last caught up, which a search reads by a range scan of the table, and the timer that
 * adds them to the index once CIs are no longer being created at a bulk rate. A bulk load then
 * writes its CIs without their ~20 trigrams each (~8% of the writer's work), and the index takes
 * them in a few large transactions after the load, when the writer has time.
 */
import { CompiledQuery } from "kysely";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { stepsWithin } from "../../platform/db/steps.js";

/** CIs indexed per transaction: ~10-15 ms of the writer on a fast minute, so other writers wait little. */
export const INDEX_BATCH = 2000;
/** How long the indexer goes on before it looks again whether a load has started, in transactions with the event loop free between them. */
const RUN_BUDGET_MS = 250;
/** How often the timer looks at the tail. */
export const INDEX_EVERY_MS = 1000;
/** CI creations within BUSY_WINDOW_MS that make a bulk load: the timer leaves the writer to it. */
export const BUSY_CREATIONS = 500;
const BUSY_WINDOW_MS = 1000;

const TAIL = CompiledQuery.raw("select m.upto as upto, coalesce((select max(rowid) from cis), 0) as last from cis_trigram_mark m where m.id = 1", []);

/** Where the index stands: CIs up to rowid `upto` are in it; `last` is the newest CI's rowid. */
export async function trigramTail(db: DbOrTrx): Promise<{ upto: number; last: number; size: number }> {
  const row = (await db.executeQuery<{ upto: number; last: number }>(TAIL)).rows[0];
  const upto = Number(row?.upto ?? 0);
  const last = Number(row?.last ?? 0);
  return { upto, last, size: Math.max(0, last - upto) };
}

/**
 * Whether CIs are being created at a bulk rate: the BUSY_CREATIONS-th newest CI was created in
 * the last BUSY_WINDOW_MS. One short walk of the table's newest rows.
 */
export async function ciCreationsBusy(db: DbOrTrx, { creations = BUSY_CREATIONS, windowMs = BUSY_WINDOW_MS, now = Date.now() } = {}): Promise<boolean> {
  const row = (await db.executeQuery<{ created_at: string }>(CompiledQuery.raw("select created_at from cis order by rowid desc limit 1 offset ?", [creations - 1]))).rows[0];
  return row !== undefined && Date.parse(row.created_at) >= now - windowMs;
}

/**
 * Adds the tail to the index, `batch` CIs per transaction, for at most `budgetMs`; how many it
 * indexed. Each transaction reads the mark again: another process (or an earlier run) may have
 * moved it.
 */
export async function indexTrigramTail(db: Db, { batch = INDEX_BATCH, budgetMs = RUN_BUDGET_MS }: { batch?: number; budgetMs?: number } = {}): Promise<number> {
  if (isPostgres(db)) return 0;
  return stepsWithin(budgetMs, () =>
    db.transaction().execute(async (trx) => {
      const { upto, last } = await trigramTail(trx);
      if (last <= upto) return 0;
      // The batch's last rowid: CIs deleted from the tail leave gaps, which cost nothing here.
      const span = (await trx.executeQuery<{ end: number | null; n: number }>(CompiledQuery.raw("select max(rowid) as end, count(*) as n from (select rowid from cis where rowid > ? order by rowid limit ?)", [upto, batch]))).rows[0];
      const end = Number(span.end ?? last);
      await trx.executeQuery(CompiledQuery.raw("insert into cis_name_trigrams (rowid, name) select rowid, name from cis where rowid > ? and rowid <= ?", [upto, end]));
      await trx.executeQuery(CompiledQuery.raw("update cis_trigram_mark set upto = ? where id = 1", [end]));
      // A tail of deleted CIs only (n 0) still moves the mark.
      return Math.max(1, Number(span.n));
    }),
  );
}

/**
 * One run of the timer: indexes the whole tail, a quarter of a second at a time, as long as CIs
 * are not being created at a bulk rate (looked at again between those quarters: a new load
 * stops it). How many it indexed; null when it left the tail for later.
 */
export async function trigramIndexRun(db: Db, busy: Parameters<typeof ciCreationsBusy>[1] = {}, stopped: () => boolean = () => false): Promise<number | null> {
  let indexed = 0;
  for (;;) {
    if (stopped() || (await trigramTail(db)).size === 0) return indexed;
    if (await ciCreationsBusy(db, busy)) return indexed || null;
    const n = await indexTrigramTail(db);
    if (n === 0) return indexed;
    indexed += n;
  }
}

/**
 * Starts the timer of `db` (SQLite); the returned function stops it, waiting for the quarter of a
 * second in progress of a run (not for the rest of a long tail: the next start takes it up).
 */
export function startTrigramIndexer(db: Db, onError: (err: unknown) => void): () => Promise<void> {
  if (isPostgres(db)) return async () => {};
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (running) return;
    running = trigramIndexRun(db, {}, () => stopped)
      .catch(onError)
      .finally(() => (running = null));
  }, INDEX_EVERY_MS);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
