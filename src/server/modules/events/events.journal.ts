/**
 * The alert journal (migration 0016). A receiver's request is answered once its validated,
 * normalised alerts are appended here: one insert per group commit, however many requests it
 * carries, so a 200 still means "stored in the database". The pipeline then folds the journal
 * into `alerts` (dedup, CI binding, silences, flapping, history) in id order and in large
 * batches, deleting the folded rows in the same transaction: a row is folded exactly once,
 * and rows left by a crash are folded at the next start. Folding a batch of 1,000 alerts costs
 * a fraction per alert of folding each request's few alerts on their own.
 *
 * Several nodes: on PostgreSQL one node folds at a time (a transaction-scoped advisory lock),
 * so the order of a fingerprint's rows is kept; on SQLite the fold's write lock does the same.
 *
 * On SQLite the journal is an append-only log of its own (events.alert-log.ts, foldJournalFile
 * below): the table here then only holds rows an earlier version left, and those of a second
 * process on the same database while another owns the log; table rows are folded first.
 */
import { CompiledQuery } from "kysely";
import type { Db, Trx } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";
import type { IncomingAlert } from "./events.model.js";
import { foldAlerts, type FlushDeps, type FlushResult } from "./events.ingest.js";
import type { JournalSource } from "./events.alert-log.js";

/**
 * Past this many alerts waiting in the journal (appended by this process, not yet folded),
 * receivers answer 429 with Retry-After instead of appending more: the fold fell behind.
 */
export const JOURNAL_MAX_ALERTS = 100_000;
/** A fold takes journal rows until it holds this many alerts (at least one row). */
export const FOLD_BATCH = 2000;
// Rows read per fold of the journal table (PostgreSQL): a group commit of batches of 100 holds a few hundred alerts.
const FOLD_ROWS = 64;
// Records per fold of the alert log (SQLite), which counts alerts as it reads: under batches
// of 1, a group commit holds a few alerts, and a fold of ~2,000 alerts costs ~35 us per alert
// where one of 64 rows (~150 alerts) cost ~50.
const FILE_FOLD_ROWS = 4096;
// Any fixed number: the key of the advisory lock that lets one PostgreSQL node fold at a time.
const FOLD_LOCK_KEY = 0x6f70_7364_6a6e;

/** Appends one group commit's alerts as one journal row (a single statement: its own transaction). */
export async function appendJournal(db: Db, alerts: IncomingAlert[]): Promise<void> {
  const text = isPostgres(db)
    ? `insert into "alert_journal" ("received_at", "count", "alerts") values ($1, $2, $3)`
    : `insert into "alert_journal" ("received_at", "count", "alerts") values (?, ?, ?)`;
  await db.executeQuery(CompiledQuery.raw(text, [new Date().toISOString(), alerts.length, JSON.stringify(alerts)]));
}

/** True when the journal holds a row (any node's). */
export async function journalHasRows(db: Db): Promise<boolean> {
  const res = await db.executeQuery(CompiledQuery.raw(`select "id" from "alert_journal" limit 1`, []));
  return res.rows.length > 0;
}

/** What one fold did. */
export interface FoldResult extends FlushResult {
  /** Another node holds the fold lock (PostgreSQL, when not waiting for it). */
  busy: boolean;
  /** Alerts folded (0: the journal was empty). */
  alerts: number;
  /** More rows were there than this fold took. */
  more: boolean;
}

interface JournalRow {
  id: number | string;
  count: number;
  alerts: string;
}

const EMPTY: FoldResult = { busy: false, alerts: 0, more: false, pending: false, repeats: [] };

/**
 * Cuts a fold's alerts where a fingerprint changes state (firing <-> resolved, acknowledged)
 * from its previous copy in the same fold: each part is folded after the one before, so the
 * history keeps every state change and flapping counts them, as if folded one by one. Copies
 * that change nothing of that kind are merged (the last one wins, the count adds up).
 */
export function stateRuns(alerts: IncomingAlert[], now: string): IncomingAlert[][] {
  const runs: IncomingAlert[][] = [];
  let run: IncomingAlert[] = [];
  let stateOf = new Map<string, string>();
  for (const a of alerts) {
    const state = `${a.endsAt !== null && a.endsAt <= now}|${a.acknowledge === true}`;
    const prev = stateOf.get(a.fingerprint);
    if (prev !== undefined && prev !== state) {
      runs.push(run);
      run = [];
      stateOf = new Map();
    }
    stateOf.set(a.fingerprint, state);
    run.push(a);
  }
  if (run.length) runs.push(run);
  return runs;
}

/** Takes rows (oldest first) up to FOLD_BATCH alerts and folds them in the caller's transaction. */
async function foldRows<R extends JournalRow>(trx: Trx, deps: FlushDeps, rows: R[], maxRows = FOLD_ROWS): Promise<{ taken: R[]; n: number; result: FlushResult }> {
  const taken: R[] = [];
  let n = 0;
  for (const r of rows.slice(0, maxRows)) {
    if (taken.length && n + r.count > FOLD_BATCH) break;
    taken.push(r);
    n += r.count;
  }
  // Rows in id order, alerts in the order received: the last copy of a fingerprint wins.
  const alerts: IncomingAlert[] = [];
  for (const r of taken) for (const a of JSON.parse(r.alerts) as IncomingAlert[]) alerts.push(a);
  const result: FlushResult = { pending: false, repeats: [] };
  for (const run of stateRuns(alerts, new Date().toISOString())) {
    const r = await foldAlerts(trx, deps, run);
    result.pending ||= r.pending;
    result.repeats.push(...r.repeats);
  }
  return { taken, n, result };
}

/**
 * Folds the oldest journal rows (up to FOLD_BATCH alerts) into `alerts` and deletes them, in
 * one transaction. With `wait`, waits for another node's fold on PostgreSQL instead of
 * returning `busy`.
 */
export async function foldJournal(db: Db, deps: FlushDeps, wait: boolean): Promise<FoldResult> {
  const pg = isPostgres(db);
  await deps.suppressor.ensure(db);
  return db.transaction().execute(async (trx) => {
    if (pg) {
      const lock = await trx.executeQuery<{ ok: boolean }>(
        CompiledQuery.raw(wait ? `select pg_advisory_xact_lock($1::bigint), true as ok` : `select pg_try_advisory_xact_lock($1::bigint) as ok`, [FOLD_LOCK_KEY]),
      );
      if (!lock.rows[0]?.ok) return { ...EMPTY, busy: true };
    }
    const limit = pg ? "$1" : "?";
    const { rows } = await trx.executeQuery<JournalRow>(CompiledQuery.raw(`select "id", "count", "alerts" from "alert_journal" order by "id" limit ${limit}`, [FOLD_ROWS + 1]));
    if (!rows.length) return EMPTY;
    const { taken, n, result } = await foldRows(trx, deps, rows);
    const ids = taken.map((r) => Number(r.id));
    if (pg) await trx.executeQuery(CompiledQuery.raw(`delete from "alert_journal" where "id" = any($1::bigint[])`, [ids]));
    // One writer on SQLite: every id up to the last one taken is committed and was read.
    else await trx.executeQuery(CompiledQuery.raw(`delete from "alert_journal" where "id" >= ? and "id" <= ?`, [ids[0], ids.at(-1)]));
    return { ...result, busy: false, alerts: n, more: rows.length > taken.length };
  });
}

/** The key in `settings` of the last alert-log record (SQLite) folded into `alerts`. */
export const FOLDED_MARK_KEY = "events.journal_folded_to";

/** The main database's "folded up to" mark of the journal file (0: none yet). */
export async function foldedMark(db: Db | Trx): Promise<number> {
  const res = await db.executeQuery<{ value: string }>(CompiledQuery.raw(`select "value" from "settings" where "key" = ?`, [FOLDED_MARK_KEY]));
  return res.rows.length ? Number(res.rows[0].value) : 0;
}

/**
 * SQLite with the journal in its own log (events.alert-log.ts): folds the oldest records after
 * the mark (up to FOLD_BATCH alerts) and moves the mark in the same transaction (BEGIN
 * IMMEDIATE: one fold at a time across processes), then prunes what the mark covers (when the
 * journal can: the appending side).
 */
export async function foldJournalFile(
  db: Db,
  journal: JournalSource & { prune?(mark: number): void },
  deps: FlushDeps,
  options: { prune?: boolean } = {},
): Promise<FoldResult & { mark: number }> {
  await deps.suppressor.ensure(db);
  const out = await db.transaction().execute(async (trx) => {
    const mark = await foldedMark(trx);
    const { rows, more } = journal.batchAfter(mark, FOLD_BATCH, FILE_FOLD_ROWS);
    if (!rows.length) return { ...EMPTY, mark };
    const { taken, n, result } = await foldRows(trx, deps, rows, rows.length);
    const last = taken.at(-1)!.id;
    await trx.executeQuery(
      CompiledQuery.raw(`insert into "settings" ("key", "value", "updated_at") values (?, ?, ?) on conflict ("key") do update set "value" = excluded."value", "updated_at" = excluded."updated_at"`, [
        FOLDED_MARK_KEY,
        String(last),
        new Date().toISOString(),
      ]),
    );
    return { ...result, busy: false, alerts: n, more: more || rows.length > taken.length, mark: last };
  });
  // Committed: those rows are in `alerts` now. A crash before this prune leaves rows under the mark, never read again.
  // The fold thread (events.fold-thread.ts) leaves the prune to the thread that appends.
  if (out.alerts && options.prune !== false) journal.prune?.(out.mark);
  return out;
}
