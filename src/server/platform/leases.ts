/**
 * Claiming rows with a lease. PostgreSQL uses FOR UPDATE SKIP LOCKED so concurrent workers
 * never pick the same row; SQLite serialises writers, so a single UPDATE ... RETURNING is
 * already atomic there.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { isPostgres } from "./db/dialect.js";
import type { Db, JobsTable, OutboxTable } from "./db/schema.js";
import type { Selectable } from "kysely";
import { isoIn, nowIso } from "./time.js";

/** A name unique to this process, written into every lease it takes. */
export function newWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
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
    .limit(limit)
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
    .limit(limit)
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
