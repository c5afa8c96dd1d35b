/**
 * Service level management: business calendars, SLA/OLA/UC definitions, the SLA clocks on
 * tickets and their history. Frozen once released: never edit after release; add a new migration instead.
 */
import type { Kysely } from "kysely";
import { booleanType, boolLiteral, isPostgres, jsonType, timestampType } from "../dialect.js";

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db) as "text";
  const bool = booleanType(db);
  const json = jsonType(db);
  const pg = isPostgres(db);
  const refType = pg ? "bigint" : "integer";
  const autoId = (col: any) => (pg ? col.primaryKey() : col.primaryKey().autoIncrement());

  await db.schema
    .createTable("sla_calendars")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("hours", json, (c) => c.notNull())
    .addColumn("holidays", json, (c) => c.notNull().defaultTo("[]"))
    .addColumn("built_in", bool, (c) => c.notNull().defaultTo(boolLiteral(db, false)))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  const now = new Date().toISOString();
  const allDay = JSON.stringify(Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ start: "00:00", end: "24:00" }]])));
  await db
    .insertInto("sla_calendars")
    .values({ id: "24x7", name: "24x7", time_zone: "UTC", hours: allDay, holidays: "[]", built_in: pg ? true : 1, version: 1, created_at: now, updated_at: now })
    .execute();

  await db.schema
    .createTable("sla_definitions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    // sla | ola | uc
    .addColumn("type", "text", (c) => c.notNull())
    // response | resolution
    .addColumn("target", "text", (c) => c.notNull())
    .addColumn("duration_minutes", "integer", (c) => c.notNull())
    .addColumn("calendar_id", "text", (c) => c.notNull().references("sla_calendars.id"))
    // applies_to, start/pause/stop/cancel conditions, reset fields, warnings: one JSON document
    .addColumn("rules", json, (c) => c.notNull())
    .addColumn("active", bool, (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("ticket_slas")
    .addColumn("id", pg ? "bigserial" : "integer", autoId)
    .addColumn("ticket_id", refType, (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("definition_id", "text", (c) => c.notNull())
    .addColumn("cycle", "integer", (c) => c.notNull())
    // The definition as it was when the clock first started on this ticket (edits do not move running clocks).
    .addColumn("definition", json, (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("target", "text", (c) => c.notNull())
    .addColumn("target_ms", "bigint", (c) => c.notNull())
    .addColumn("calendar_id", "text", (c) => c.notNull())
    // in_progress | paused | achieved | breached | cancelled
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("breached", bool, (c) => c.notNull().defaultTo(boolLiteral(db, false)))
    .addColumn("started_at", ts, (c) => c.notNull())
    .addColumn("stopped_at", ts)
    .addColumn("due_at", ts)
    .addColumn("breached_at", ts)
    .addColumn("elapsed_ms", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("paused_ms", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("pauses", json, (c) => c.notNull().defaultTo("[]"))
    .addColumn("cancel_reason", "text")
    // Priority and assignment group when the clock started (the report's dimensions).
    .addColumn("priority", "integer", (c) => c.notNull())
    .addColumn("ticket_kind", "text", (c) => c.notNull())
    // Highest warning threshold fired and whether the breach fired: the exactly-once guards.
    .addColumn("warned_percent", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("breach_fired", bool, (c) => c.notNull().defaultTo(boolLiteral(db, false)))
    // When the next warning or the breach is due while the clock runs; null otherwise.
    .addColumn("next_check_at", ts)
    .addColumn("computed_at", ts, (c) => c.notNull())
    .addUniqueConstraint("ticket_slas_cycle_unique", ["ticket_id", "definition_id", "cycle"])
    .execute();
  await db.schema.createIndex("ticket_slas_ticket_idx").on("ticket_slas").columns(["ticket_id", "id"]).execute();
  await db.schema.createIndex("ticket_slas_next_check_idx").on("ticket_slas").columns(["next_check_at"]).execute();
  await db.schema.createIndex("ticket_slas_started_idx").on("ticket_slas").columns(["started_at", "definition_id"]).execute();
  await db.schema.createIndex("ticket_slas_state_due_idx").on("ticket_slas").columns(["state", "due_at"]).execute();

  await db.schema
    .createTable("ticket_sla_events")
    .addColumn("id", pg ? "bigserial" : "integer", autoId)
    .addColumn("ticket_sla_id", refType, (c) => c.notNull().references("ticket_slas.id").onDelete("cascade"))
    // started | paused | resumed | warning | breached | achieved | cancelled
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("at", ts, (c) => c.notNull())
    .addColumn("percent", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("recorded_at", ts, (c) => c.notNull())
    .addUniqueConstraint("ticket_sla_events_unique", ["ticket_sla_id", "type", "at", "percent"])
    .execute();
  await db.schema.createIndex("ticket_sla_events_type_idx").on("ticket_sla_events").columns(["type", "at"]).execute();
}
