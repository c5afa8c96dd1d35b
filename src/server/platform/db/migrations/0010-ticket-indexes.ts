/**
 * Indexes for the agent workspace at a million tickets (bench/ticket-queries.mjs). 0004's
 * list indexes all start with the kind, so a queue across kinds ("open P1-P2 of my group,
 * newest first" on /api/v1/tickets) read every open ticket of the group and sorted them; and
 * a queue sorted by priority sorted the whole group. Priority rides at the end of the first
 * index so that the capped total (up to 1,000 rows) is counted from the index alone.
 * Each new incident makes the problem-suggestion handler count the recent incidents of its CI
 * and of its category (and look for an open problem on them): (kind, ci_id, created_at) and
 * (kind, category, created_at) turn those into ranges of the one CI or category instead of
 * every incident of the window.
 * Quick search matches every word as a prefix; FTS5 answers a prefix by merging the postings of
 * every term that starts with it, so a short, common prefix ("p0", "web") cost a scan of most
 * of the index (150 ms at a million tickets). On SQLite the full-text index is rebuilt with
 * prefix indexes of 2 and 3 characters, which turn those into single lookups; the triggers of
 * 0004 write to it by name and stay as they are. Rebuilding takes about 25 s per million tickets.
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";
import { isPostgres } from "../dialect.js";

const FTS_COLUMNS = sql`number, title, description, content='tickets', content_rowid='id', tokenize='unicode61 remove_diacritics 2'`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("tickets_group_open_created_idx").on("tickets").columns(["assignment_group_id", "is_open", "created_at", "id", "priority"]).execute();
  await db.schema.createIndex("tickets_open_group_priority_idx").on("tickets").columns(["kind", "is_open", "assignment_group_id", "priority", "id"]).execute();
  await db.schema.createIndex("tickets_kind_ci_created_idx").on("tickets").columns(["kind", "ci_id", "created_at"]).execute();
  await db.schema.createIndex("tickets_kind_category_created_idx").on("tickets").columns(["kind", "category", "created_at"]).execute();
  if (!isPostgres(db)) await rebuildFts(db, sql`, prefix='2 3'`);
}

async function rebuildFts(db: Kysely<any>, options: ReturnType<typeof sql>): Promise<void> {
  await sql`drop table tickets_fts`.execute(db);
  await sql`create virtual table tickets_fts using fts5(${FTS_COLUMNS}${options})`.execute(db);
  await sql`insert into tickets_fts(tickets_fts) values ('rebuild')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) await rebuildFts(db, sql``);
  await db.schema.dropIndex("tickets_kind_category_created_idx").execute();
  await db.schema.dropIndex("tickets_kind_ci_created_idx").execute();
  await db.schema.dropIndex("tickets_open_group_priority_idx").execute();
  await db.schema.dropIndex("tickets_group_open_created_idx").execute();
}
