/**
 * The workspace's default views list every kind newest first ("All tickets", and the same with
 * only open ones). Every earlier ticket index starts with the kind or the group, so those views
 * read and sorted the whole table; these two give them an index range in the list's order.
 * Frozen: never edit after release; add a new migration instead.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("tickets_created_idx").on("tickets").columns(["created_at", "id"]).execute();
  await db.schema.createIndex("tickets_open_created_idx").on("tickets").columns(["is_open", "created_at", "id"]).execute();
}
