/**
 * The ticket core shared by every ITSM record (incident, problem, change, request, task):
 * tickets with their numbering, timeline, attachments, links, watchers and CIs, plus the
 * problem-specific details. Full-text search: FTS5 on SQLite, a generated tsvector on PostgreSQL.
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";
import { booleanType, boolLiteral, isPostgres, jsonType, timestampType } from "../dialect.js";

const KINDS = ["incident", "problem", "change", "request", "task"];
/** The first number handed out per kind (INC0001001). */
const FIRST_NUMBER = 1001;

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db) as "text";
  const bool = booleanType(db);
  const json = jsonType(db);
  const pg = isPostgres(db);
  const autoId = (col: any) => (pg ? col.primaryKey() : col.primaryKey().autoIncrement());
  const idType = pg ? "bigserial" : "integer";
  const refType = pg ? "bigint" : "integer";

  await db.schema
    .createTable("tickets")
    .addColumn("id", idType, autoId)
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("number", "text", (c) => c.notNull().unique())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("state", "text", (c) => c.notNull())
    // Denormalised from the kind's flow so "open" lists are one index range.
    .addColumn("is_open", bool, (c) => c.notNull())
    .addColumn("priority", "integer", (c) => c.notNull())
    .addColumn("impact", "integer", (c) => c.notNull())
    .addColumn("urgency", "integer", (c) => c.notNull())
    .addColumn("requester_id", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("caller_contact", "text")
    .addColumn("assignment_group_id", "text", (c) => c.references("groups.id").onDelete("set null"))
    .addColumn("assignee_id", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("ci_id", "text", (c) => c.references("cis.id").onDelete("set null"))
    .addColumn("category", "text")
    .addColumn("subcategory", "text")
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("tags", json, (c) => c.notNull().defaultTo("[]"))
    .addColumn("on_hold_reason", "text")
    .addColumn("resolution_code", "text")
    .addColumn("resolution_notes", "text")
    .addColumn("major", bool, (c) => c.notNull().defaultTo(boolLiteral(db, false)))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_by", "text")
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .addColumn("resolved_at", ts)
    .addColumn("closed_at", ts)
    .execute();
  // The agent workspace's lists: newest first within kind, openness, group, priority, assignee.
  await db.schema.createIndex("tickets_kind_created_idx").on("tickets").columns(["kind", "created_at", "id"]).execute();
  await db.schema.createIndex("tickets_open_group_idx").on("tickets").columns(["kind", "is_open", "assignment_group_id", "created_at", "id"]).execute();
  await db.schema.createIndex("tickets_open_priority_idx").on("tickets").columns(["kind", "is_open", "priority", "created_at", "id"]).execute();
  await db.schema.createIndex("tickets_assignee_idx").on("tickets").columns(["assignee_id", "is_open", "created_at"]).execute();
  await db.schema.createIndex("tickets_requester_idx").on("tickets").columns(["requester_id", "created_at"]).execute();
  await db.schema.createIndex("tickets_ci_idx").on("tickets").columns(["ci_id", "is_open"]).execute();
  await db.schema.createIndex("tickets_state_idx").on("tickets").columns(["kind", "state", "updated_at"]).execute();

  if (pg) {
    await sql`alter table tickets add column search tsvector generated always as (to_tsvector('simple', number || ' ' || title || ' ' || description)) stored`.execute(db);
    await sql`create index tickets_search_idx on tickets using gin (search)`.execute(db);
    for (const kind of KINDS) await sql`create sequence ${sql.raw(`ticket_number_${kind}`)} start ${sql.raw(String(FIRST_NUMBER))}`.execute(db);
  } else {
    await sql`create virtual table tickets_fts using fts5(number, title, description, content='tickets', content_rowid='id', tokenize='unicode61 remove_diacritics 2')`.execute(db);
    await sql`create trigger tickets_fts_insert after insert on tickets begin
      insert into tickets_fts(rowid, number, title, description) values (new.id, new.number, new.title, new.description); end`.execute(db);
    await sql`create trigger tickets_fts_delete after delete on tickets begin
      insert into tickets_fts(tickets_fts, rowid, number, title, description) values ('delete', old.id, old.number, old.title, old.description); end`.execute(db);
    await sql`create trigger tickets_fts_update after update of number, title, description on tickets begin
      insert into tickets_fts(tickets_fts, rowid, number, title, description) values ('delete', old.id, old.number, old.title, old.description);
      insert into tickets_fts(rowid, number, title, description) values (new.id, new.number, new.title, new.description); end`.execute(db);
    await db.schema
      .createTable("ticket_counters")
      .addColumn("kind", "text", (c) => c.primaryKey())
      .addColumn("next_value", "integer", (c) => c.notNull())
      .execute();
    await db.insertInto("ticket_counters").values(KINDS.map((kind) => ({ kind, next_value: FIRST_NUMBER }))).execute();
  }

  await db.schema
    .createTable("ticket_timeline")
    .addColumn("id", idType, autoId)
    .addColumn("ticket_id", refType, (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("at", ts, (c) => c.notNull())
    // created | comment | work_note | field_change | state_change | link | attachment | communication | system
    .addColumn("type", "text", (c) => c.notNull())
    // Public entries are visible to the requester; work notes and internal changes are not.
    .addColumn("public", bool, (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("actor_name", "text", (c) => c.notNull())
    .addColumn("body", "text")
    .addColumn("data", json)
    .execute();
  await db.schema.createIndex("ticket_timeline_ticket_idx").on("ticket_timeline").columns(["ticket_id", "id"]).execute();

  await db.schema
    .createTable("ticket_attachments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ticket_id", refType, (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("public", bool, (c) => c.notNull())
    .addColumn("uploaded_by", "text")
    .addColumn("uploaded_by_name", "text", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("ticket_attachments_ticket_idx").on("ticket_attachments").columns(["ticket_id", "created_at"]).execute();

  await db.schema
    .createTable("ticket_links")
    .addColumn("id", idType, autoId)
    .addColumn("from_id", refType, (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("to_id", refType, (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    // child_of | caused_by | related_to | duplicate_of (read from the other side: parent_of, causes, ...)
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("created_by", "text")
    .addColumn("created_at", ts, (c) => c.notNull())
    .addUniqueConstraint("ticket_links_unique", ["from_id", "to_id", "type"])
    .execute();
  await db.schema.createIndex("ticket_links_to_idx").on("ticket_links").columns(["to_id", "type"]).execute();

  await db.schema
    .createTable("ticket_watchers")
    .addColumn("ticket_id", refType, (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("ticket_watchers_pk", ["ticket_id", "user_id"])
    .execute();
  await db.schema.createIndex("ticket_watchers_user_idx").on("ticket_watchers").column("user_id").execute();

  // CIs a ticket touches beyond its main one: affected CIs (changes) and impacted services.
  await db.schema
    .createTable("ticket_cis")
    .addColumn("ticket_id", refType, (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("ci_id", "text", (c) => c.notNull().references("cis.id").onDelete("cascade"))
    // affected | service
    .addColumn("role", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("ticket_cis_pk", ["ticket_id", "ci_id", "role"])
    .execute();
  await db.schema.createIndex("ticket_cis_ci_idx").on("ticket_cis").columns(["ci_id", "role"]).execute();

  await db.schema
    .createTable("problem_details")
    .addColumn("ticket_id", refType, (c) => c.primaryKey().references("tickets.id").onDelete("cascade"))
    .addColumn("root_cause", "text")
    .addColumn("workaround", "text")
    .addColumn("known_error", bool, (c) => c.notNull().defaultTo(boolLiteral(db, false)))
    .addColumn("known_error_at", ts)
    .execute();
  await db.schema.createIndex("problem_details_known_error_idx").on("problem_details").columns(["known_error", "ticket_id"]).execute();

  await db.schema
    .createTable("problem_actions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("problem_id", refType, (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("owner_id", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("due_date", "text")
    .addColumn("done", bool, (c) => c.notNull().defaultTo(boolLiteral(db, false)))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("done_at", ts)
    .execute();
  await db.schema.createIndex("problem_actions_problem_idx").on("problem_actions").columns(["problem_id", "created_at"]).execute();
}
