/**
 * The alert journal: POST /api/v2/alerts (and every other receiver) is acknowledged once its
 * validated, normalised batch is appended here (one row per group commit, several requests'
 * alerts in one JSON array); the event pipeline folds the rows into `alerts` in id order, in
 * large batches, and deletes them in the same transaction. Rows left by a crash are folded at
 * the next start. Plain text rather than JSON types: the database never looks inside.
 * Frozen: never edit after release; add a new migration instead.
 */
import type { Kysely } from "kysely";
import { isPostgres, timestampType } from "../dialect.js";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("alert_journal")
    .addColumn("id", isPostgres(db) ? "bigserial" : "integer", (c) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("received_at", timestampType(db) as "text", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull())
    .addColumn("alerts", "text", (c) => c.notNull())
    .execute();
}
