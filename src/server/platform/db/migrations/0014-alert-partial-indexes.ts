/**
 * Most alerts carry no CI or group when they are written (an unknown host, not yet correlated),
 * and every alert written paid for an entry of NULL in three indexes that only lookups by a
 * given CI or group read. Those indexes now hold only rows that have one: each alert insert
 * and history insert updates fewer index pages, and every query that used them (by CI, by
 * group, alerts per CI) names a value, which the partial index still serves.
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("alerts_ci_idx").execute();
  await db.schema.createIndex("alerts_ci_idx").on("alerts").columns(["ci_id", "last_seen"]).where(sql<boolean>`ci_id is not null`).execute();
  await db.schema.dropIndex("alerts_group_idx").execute();
  await db.schema.createIndex("alerts_group_idx").on("alerts").columns(["group_id"]).where(sql<boolean>`group_id is not null`).execute();
  await db.schema.dropIndex("alert_history_ci_idx").execute();
  await db.schema.createIndex("alert_history_ci_idx").on("alert_history").columns(["ci_id", "at"]).where(sql<boolean>`ci_id is not null`).execute();
}
