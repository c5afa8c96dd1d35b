/**
 * Change management: the change fields of change tickets, standard change templates, approval
 * rules (CAB per change type and risk), approval requests per approver and round, and
 * blackout windows.
 * Frozen once released: never edit after release; add a new migration instead.
 */
import type { Kysely } from "kysely";
import { booleanType, boolLiteral, isPostgres, jsonType, timestampType } from "../dialect.js";

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db) as "text";
  const bool = booleanType(db);
  const json = jsonType(db);
  const pg = isPostgres(db);
  const idType = pg ? "bigserial" : "integer";
  const refType = pg ? "bigint" : "integer";

  await db.schema
    .createTable("change_templates")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("category", "text")
    .addColumn("justification", "text")
    .addColumn("implementation_plan", "text")
    .addColumn("backout_plan", "text")
    .addColumn("test_plan", "text")
    .addColumn("risk", "text", (c) => c.notNull())
    .addColumn("duration_minutes", "integer")
    .addColumn("active", bool, (c) => c.notNull().defaultTo(boolLiteral(db, true)))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("change_details")
    .addColumn("ticket_id", refType, (c) => c.primaryKey().references("tickets.id").onDelete("cascade"))
    // standard | normal | emergency
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("template_id", "text", (c) => c.references("change_templates.id").onDelete("set null"))
    .addColumn("justification", "text")
    .addColumn("implementation_plan", "text")
    .addColumn("backout_plan", "text")
    .addColumn("test_plan", "text")
    // Effective risk: the computed one unless overridden (then risk_override_reason is set).
    .addColumn("risk", "text", (c) => c.notNull())
    .addColumn("computed_risk", "text", (c) => c.notNull())
    .addColumn("risk_override_reason", "text")
    .addColumn("planned_start", ts)
    .addColumn("planned_end", ts)
    .addColumn("actual_start", ts)
    .addColumn("actual_end", ts)
    .addColumn("outcome", "text")
    .addColumn("review", "text")
    // Authorization round: increments each time the change enters Authorize.
    .addColumn("approval_round", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // The calendar and conflict checks look up windows overlapping a range.
  await db.schema.createIndex("change_details_window_idx").on("change_details").columns(["planned_start", "planned_end"]).execute();

  await db.schema
    .createTable("change_approval_rules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    // JSON arrays; empty = any type (normal, emergency) / any risk.
    .addColumn("change_types", json, (c) => c.notNull().defaultTo("[]"))
    .addColumn("risks", json, (c) => c.notNull().defaultTo("[]"))
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id").onDelete("cascade"))
    // all | any | n_of
    .addColumn("rule", "text", (c) => c.notNull())
    .addColumn("required", "integer")
    .addColumn("active", bool, (c) => c.notNull().defaultTo(boolLiteral(db, true)))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("change_approvals")
    .addColumn("id", idType, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("ticket_id", refType, (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("round", "integer", (c) => c.notNull())
    // Rule facts are copied so that editing or deleting a rule leaves running rounds as they were.
    .addColumn("rule_id", "text", (c) => c.references("change_approval_rules.id").onDelete("set null"))
    .addColumn("rule_name", "text", (c) => c.notNull())
    .addColumn("rule", "text", (c) => c.notNull())
    .addColumn("required", "integer", (c) => c.notNull())
    .addColumn("group_id", "text", (c) => c.notNull())
    .addColumn("group_name", "text", (c) => c.notNull())
    .addColumn("approver_id", "text", (c) => c.notNull())
    .addColumn("approver_name", "text", (c) => c.notNull())
    // pending | approved | rejected | canceled
    .addColumn("decision", "text", (c) => c.notNull())
    .addColumn("comment", "text")
    .addColumn("decided_at", ts)
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("change_approvals_ticket_idx").on("change_approvals").columns(["ticket_id", "round"]).execute();
  await db.schema.createIndex("change_approvals_approver_idx").on("change_approvals").columns(["approver_id", "decision"]).execute();

  await db.schema
    .createTable("change_blackouts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("starts_at", ts, (c) => c.notNull())
    .addColumn("ends_at", ts, (c) => c.notNull())
    // JSON array of CI ids the window applies to; empty = every change.
    .addColumn("ci_ids", json, (c) => c.notNull().defaultTo("[]"))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("change_blackouts_window_idx").on("change_blackouts").columns(["starts_at", "ends_at"]).execute();
}
