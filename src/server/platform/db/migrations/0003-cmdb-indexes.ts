/**
 * Indexes for CMDB scale (a million CIs, millions of outbox events from bulk loads).
 * The worker claims the oldest undispatched events (`where dispatched_at is null order by id
 * limit n`); 0001's (dispatched_at, available_at) index made every claim read and sort the
 * whole backlog, so one bulk load of a million CIs turned each claim into seconds of work.
 * A partial index on id over undispatched events lets a claim read only the rows it takes,
 * and it stays as small as the backlog. The old index served only that query, and SQLite's
 * planner keeps choosing it while it exists, so it goes.
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("outbox_undispatched_idx")
    .on("outbox")
    .column("id")
    .where(sql<boolean>`dispatched_at is null`)
    .execute();
  await db.schema.dropIndex("outbox_pending_idx").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("outbox_pending_idx").on("outbox").columns(["dispatched_at", "available_at"]).execute();
  await db.schema.dropIndex("outbox_undispatched_idx").execute();
}
