/**
 * Claiming rows with a lease. PostgreSQL uses FOR UPDATE SKIP LOCKED so concurrent workers
 * never pick the same row; SQLite serialises writers, so a single UPDATE ... RETURNING is
 * already atomic there.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { isPostgres } from "./db/dialect.js";
import type { Db, JobsTable, OutboxTable } from "./db/schema.js";
import { sql, type Selectable } from "kysely";
import { isoIn, nowIso } from "./time.js";

/** A name unique to this process, written into every lease it takes. */
export function newWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * A LIMIT written into the statement rather than bound: SQLite 3.53 plans a statement again
 * every time a bound LIMIT is bound, which made each claim pay a fresh plan (a claim with
 * `limit ?` took about twice as long as with the number written in). The limits are the
 * worker's batch sizes, a handful of values, so each stays one cached statement.
 */
function literalLimit(limit: number) {
  return sql.lit(Math.max(1, Math.floor(limit)));
}

/** Claims up to `limit` due jobs (queued and due, or running with an expired lease). */
export async function claimJobs(db: Db, worker: string, limit: number, leaseMs: number): Promise<Selectable<JobsTable>[]> {
  const now = nowIso();
  const pg = isPostgres(db);
  const due = db
    .selectFrom("jobs")
    .select("id")
    .where((eb) =>
      eb.or([
        eb.and([eb("state", "=", "queued"), eb("run_at", "<=", now)]),
        eb.and([eb("state", "=", "running"), eb("locked_until", "<", now)]),
      ]),
    )
    .orderBy("run_at")
    .limit(literalLimit(limit))
    .$if(pg, (qb) => qb.forUpdate().skipLocked());
  return db
    .updateTable("jobs")
    .set((eb) => ({
      state: "running",
      locked_by: worker,
      locked_until: isoIn(leaseMs),
      attempts: eb("attempts", "+", 1),
      updated_at: now,
    }))
    .where("id", "in", due)
    .returningAll()
    .execute();
}

/** Claims up to `limit` undispatched outbox events. */
export async function claimOutbox(db: Db, worker: string, limit: number, leaseMs: number): Promise<Selectable<OutboxTable>[]> {
  const now = nowIso();
  const pg = isPostgres(db);
  const due = db
    .selectFrom("outbox")
    .select("id")
    .where("dispatched_at", "is", null)
    .where("available_at", "<=", now)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
    .orderBy("id")
    .limit(literalLimit(limit))
    .$if(pg, (qb) => qb.forUpdate().skipLocked());
  const claimed = await db
    .updateTable("outbox")
    .set((eb) => ({ locked_by: worker, locked_until: isoIn(leaseMs), attempts: eb("attempts", "+", 1) }))
    .where("id", "in", due)
    .returningAll()
    .execute();
  // UPDATE ... RETURNING gives rows in no particular order; handlers see events in the order they happened.
  return claimed.sort((a, b) => Number(a.id) - Number(b.id));
}
