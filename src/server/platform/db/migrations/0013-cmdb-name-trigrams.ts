/**
 * A trigram index over CI names, so that "name contains ..." (the CI list's `q`) reads the few
 * CIs whose names hold the text instead of every CI of the other filters: a million CIs took
 * 0.4-0.7 s per page for a rare fragment, and a fragment that matches nothing read them all.
 *
 * SQLite: an FTS5 table with the trigram tokenizer, contentless (the names stay in `cis`
 * only) and keyed by the CI's rowid, kept in step by triggers on every write path (inserts,
 * name changes, deletes, cascades included). A CI's rowid never changes (no statement moves
 * it, and VACUUM keeps the rowids of a table with a primary key). About 20 index entries per
 * CI name, written in one merge per transaction.
 *
 * PostgreSQL: a GIN index of pg_trgm trigrams over lower(name), which serves `lower(name) like
 * '%...%'` as it is. The extension is created in `public` (never in a schema OpsDesk may drop
 * with its data) unless it is installed already; when it cannot be created (no such extension
 * on the server, or no right to create it), the index is left out and the list reads as before.
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";
import { isPostgres } from "../dialect.js";

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return pgUp(db);
  await sql`create virtual table cis_name_trigrams using fts5(name, content='', contentless_delete=1, tokenize='trigram')`.execute(db);
  await sql`insert into cis_name_trigrams (rowid, name) select rowid, name from cis`.execute(db);
  await sql`create trigger cis_name_trigrams_insert after insert on cis begin
    insert into cis_name_trigrams (rowid, name) values (new.rowid, new.name);
  end`.execute(db);
  await sql`create trigger cis_name_trigrams_update after update of name on cis when old.name is not new.name begin
    delete from cis_name_trigrams where rowid = old.rowid;
    insert into cis_name_trigrams (rowid, name) values (new.rowid, new.name);
  end`.execute(db);
  await sql`create trigger cis_name_trigrams_delete after delete on cis begin
    delete from cis_name_trigrams where rowid = old.rowid;
  end`.execute(db);
}

/** The schema pg_trgm lives in, creating it in `public` when it is missing; null when it cannot be had. */
async function trigramSchema(db: Kysely<any>): Promise<string | null> {
  const installed = async () =>
    (await sql<{ schema: string }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db)).rows[0]?.schema ?? null;
  const existing = await installed();
  if (existing) return existing;
  // The migrations run in one transaction: a failed statement may only undo its savepoint.
  await sql`savepoint opsdesk_pg_trgm`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm schema public`.execute(db);
    await sql`release savepoint opsdesk_pg_trgm`.execute(db);
  } catch {
    await sql`rollback to savepoint opsdesk_pg_trgm`.execute(db);
  }
  return installed();
}

async function pgUp(db: Kysely<any>): Promise<void> {
  const schema = await trigramSchema(db);
  if (!schema) return;
  await sql`create index cis_name_trgm_idx on cis using gin (lower(name) ${sql.id(schema, "gin_trgm_ops")})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop index if exists cis_name_trgm_idx`.execute(db);
    return;
  }
  for (const trigger of ["cis_name_trigrams_insert", "cis_name_trigrams_update", "cis_name_trigrams_delete"]) await sql`drop trigger ${sql.id(trigger)}`.execute(db);
  await sql`drop table cis_name_trigrams`.execute(db);
}
