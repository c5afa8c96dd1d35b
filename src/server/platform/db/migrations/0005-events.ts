/**
 * Event management: alerts (latest state per fingerprint), their full history, correlation
 * groups and the CIs in them, silences, maintenance windows and generic webhook sources.
 * CI and group references carry no foreign keys: alerts outlive CIs and groups, and the ingest
 * hot path should not pay for the checks. Frozen: never edit after release; add a new migration.
 */
import { sql, type Kysely } from "kysely";
import { autoIdType, booleanType, boolLiteral, isPostgres, jsonType, timestampType } from "../dialect.js";

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db) as "text";
  const json = jsonType(db);
  const autoId = (col: any) => (isPostgres(db) ? col.primaryKey() : col.primaryKey().autoIncrement());

  await db.schema
    .createTable("alerts")
    .addColumn("fingerprint", "text", (c) => c.primaryKey())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("alertname", "text", (c) => c.notNull())
    .addColumn("labels", json, (c) => c.notNull())
    .addColumn("annotations", json, (c) => c.notNull())
    .addColumn("generator_url", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("severity", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("starts_at", ts, (c) => c.notNull())
    .addColumn("ends_at", ts)
    .addColumn("first_seen", ts, (c) => c.notNull())
    .addColumn("last_seen", ts, (c) => c.notNull())
    .addColumn("occurrences", "integer", (c) => c.notNull())
    .addColumn("status_changed_at", ts, (c) => c.notNull())
    .addColumn("flap_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("flap_since", ts)
    .addColumn("flapping", booleanType(db), (c) => c.notNull().defaultTo(boolLiteral(db, false)))
    .addColumn("silenced_by", json, (c) => c.notNull().defaultTo("[]"))
    .addColumn("ci_id", "text")
    .addColumn("service_id", "text")
    .addColumn("group_id", "text")
    .addColumn("pending", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // The console's lists, expiry, "what fired on this CI", the work queue.
  await db.schema.createIndex("alerts_status_seen_idx").on("alerts").columns(["status", "last_seen"]).execute();
  await db.schema.createIndex("alerts_expiry_idx").on("alerts").columns(["ends_at"]).where(sql<boolean>`status <> 'resolved'`).execute();
  await db.schema.createIndex("alerts_ci_idx").on("alerts").columns(["ci_id", "last_seen"]).execute();
  await db.schema.createIndex("alerts_group_idx").on("alerts").columns(["group_id"]).execute();
  await db.schema.createIndex("alerts_pending_idx").on("alerts").columns(["pending"]).where(sql<boolean>`pending = 1`).execute();
  // The sweeper looks for flapping alerts every second; there are few.
  await db.schema.createIndex("alerts_flapping_idx").on("alerts").columns(["status_changed_at"]).where(isPostgres(db) ? sql<boolean>`flapping` : sql<boolean>`flapping = 1`).execute();

  await db.schema
    .createTable("alert_history")
    .addColumn("id", autoIdType(db), autoId)
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("alertname", "text", (c) => c.notNull())
    .addColumn("at", ts, (c) => c.notNull())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("severity", "text", (c) => c.notNull())
    .addColumn("ci_id", "text")
    .addColumn("group_id", "text")
    .addColumn("data", json)
    .execute();
  await db.schema.createIndex("alert_history_fp_idx").on("alert_history").columns(["fingerprint", "id"]).execute();
  await db.schema.createIndex("alert_history_ci_idx").on("alert_history").columns(["ci_id", "at"]).execute();
  await db.schema.createIndex("alert_history_at_idx").on("alert_history").columns(["at"]).execute();

  await db.schema
    .createTable("alert_groups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("severity", "text", (c) => c.notNull())
    .addColumn("root_ci_id", "text")
    .addColumn("labels", json, (c) => c.notNull().defaultTo("{}"))
    .addColumn("alert_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("active_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("incident_id", "text")
    .addColumn("incident_sync", "integer", (c) => c.notNull().defaultTo(0))
    // Fingerprints already listed on the incident, so each joining alert is announced once.
    .addColumn("announced", json, (c) => c.notNull().defaultTo("[]"))
    .addColumn("merged_into", "text")
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .addColumn("last_alert_at", ts, (c) => c.notNull())
    .addColumn("resolved_at", ts)
    .execute();
  await db.schema.createIndex("alert_groups_status_idx").on("alert_groups").columns(["status", "created_at"]).execute();
  await db.schema.createIndex("alert_groups_key_idx").on("alert_groups").columns(["key", "status"]).execute();
  await db.schema.createIndex("alert_groups_incident_idx").on("alert_groups").columns(["incident_id"]).execute();
  await db.schema.createIndex("alert_groups_sync_idx").on("alert_groups").columns(["incident_sync"]).where(sql<boolean>`incident_sync = 1`).execute();

  await db.schema
    .createTable("alert_group_cis")
    .addColumn("group_id", "text", (c) => c.notNull().references("alert_groups.id").onDelete("cascade"))
    .addColumn("ci_id", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("alert_group_cis_pk", ["group_id", "ci_id"])
    .execute();
  await db.schema.createIndex("alert_group_cis_ci_idx").on("alert_group_cis").columns(["ci_id", "group_id"]).execute();

  await db.schema
    .createTable("silences")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("matchers", json, (c) => c.notNull())
    .addColumn("starts_at", ts, (c) => c.notNull())
    .addColumn("ends_at", ts, (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("comment", "text", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("silences_ends_idx").on("silences").columns(["ends_at"]).execute();

  await db.schema
    .createTable("maintenance_windows")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("ci_id", "text", (c) => c.notNull().references("cis.id").onDelete("cascade"))
    .addColumn("starts_at", ts, (c) => c.notNull())
    .addColumn("ends_at", ts, (c) => c.notNull())
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("maintenance_windows_ends_idx").on("maintenance_windows").columns(["ends_at"]).execute();

  await db.schema
    .createTable("event_sources")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("mapping", json, (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["event_sources", "maintenance_windows", "silences", "alert_group_cis", "alert_groups", "alert_history", "alerts"]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
