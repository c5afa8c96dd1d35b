/**
 * Problem management: when a problem was last suggested for a CI or a category, so that
 * recurring incidents raise one `problem.suggested` event per window, not one per incident.
 * Frozen: never edit after release; add a new migration instead.
 */
import type { Kysely } from "kysely";
import { timestampType } from "../dialect.js";

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db) as "text";
  await db.schema
    .createTable("problem_suggestions")
    // ci | category
    .addColumn("basis", "text", (c) => c.notNull())
    // The CI's id or the category's name.
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("suggested_at", ts, (c) => c.notNull())
    .addColumn("incidents", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("problem_suggestions_pk", ["basis", "key"])
    .execute();
}
