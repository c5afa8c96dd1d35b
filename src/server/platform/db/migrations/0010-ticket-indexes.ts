/**
 * Indexes for the agent workspace at a million tickets (bench/ticket-queries.mjs). 0004's
 * list indexes all start with the kind, so a queue across kinds ("open P1-P2 of my group,
 * newest first" on /api/v1/tickets) read every open ticket of the group and sorted them; and
 * a queue sorted by priority sorted the whole group. Priority rides at the end of the first
 * index so that the capped total (up to 1,000 rows) is counted from the index alone.
 * Frozen: never edit after release; add a new migration instead.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("tickets_group_open_created_idx").on("tickets").columns(["assignment_group_id", "is_open", "created_at", "id", "priority"]).execute();
  await db.schema.createIndex("tickets_open_group_priority_idx").on("tickets").columns(["kind", "is_open", "assignment_group_id", "priority", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("tickets_open_group_priority_idx").execute();
  await db.schema.dropIndex("tickets_group_open_created_idx").execute();
}
