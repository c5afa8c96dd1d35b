/**
 * The trigram index of CI names (0013) takes new names after a bulk load rather than during
 * it. Its per-row insert trigger made every CI creation write the name's ~20 trigrams into
 * FTS5 inside the creating transaction: ~8% of the bulk path's CPU on the single SQLite writer
 * (bench/cmdb-ab.mjs without the trigger: 0.922), the writer a load is bounded by.
 *
 * Now the index covers the CIs up to a mark (`cis_trigram_mark.upto`, a rowid); the CIs past it,
 * the tail, are read by a range scan of the table when a list searches (cis.list.ts), and a
 * timer on each process adds the tail to the index in batches when CIs are not being created at
 * a bulk rate (cmdb.trigrams.ts), as PostgreSQL's GIN index keeps new entries in a pending list.
 * Searches give the same answers throughout.
 *
 * The triggers keep the indexed part exact: a rename or a deletion of an indexed CI changes the
 * index at once, and a new CI that gets a rowid at or below the mark (SQLite reuses the largest
 * rowid after its row is deleted) is indexed as before. Renames and deletions in the tail touch
 * nothing: the timer indexes the names the tail has when it gets there.
 *
 * PostgreSQL: nothing (its GIN index is PostgreSQL's to keep).
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";
import { isPostgres } from "../dialect.js";

const MARK = sql`(select upto from cis_trigram_mark where id = 1)`;

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return;
  await sql`create table cis_trigram_mark (id integer primary key check (id = 1), upto integer not null)`.execute(db);
  // Every CI so far is in the index (0013's triggers).
  await sql`insert into cis_trigram_mark (id, upto) select 1, coalesce(max(rowid), 0) from cis`.execute(db);
  for (const trigger of ["cis_name_trigrams_insert", "cis_name_trigrams_update", "cis_name_trigrams_delete"]) await sql`drop trigger ${sql.id(trigger)}`.execute(db);
  await sql`create trigger cis_name_trigrams_insert after insert on cis when new.rowid <= ${MARK} begin
    insert into cis_name_trigrams (rowid, name) values (new.rowid, new.name);
  end`.execute(db);
  await sql`create trigger cis_name_trigrams_update after update of name on cis when old.name is not new.name and old.rowid <= ${MARK} begin
    delete from cis_name_trigrams where rowid = old.rowid;
    insert into cis_name_trigrams (rowid, name) values (new.rowid, new.name);
  end`.execute(db);
  await sql`create trigger cis_name_trigrams_delete after delete on cis when old.rowid <= ${MARK} begin
    delete from cis_name_trigrams where rowid = old.rowid;
  end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return;
  // The tail goes into the index first: 0013's triggers expect every CI to be there.
  await sql`insert into cis_name_trigrams (rowid, name) select rowid, name from cis where rowid > ${MARK}`.execute(db);
  for (const trigger of ["cis_name_trigrams_insert", "cis_name_trigrams_update", "cis_name_trigrams_delete"]) await sql`drop trigger ${sql.id(trigger)}`.execute(db);
  await sql`drop table cis_trigram_mark`.execute(db);
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
