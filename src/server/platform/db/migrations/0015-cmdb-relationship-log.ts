/**
 * A change log of CI relationships, so that a node that keeps the relationship graph in memory
 * (impact analysis) learns of every link added or removed by any process or node with one
 * indexed range read (`seq > last seen`) instead of reloading the graph.
 *
 * Every insert writes ('+', source, type, target), every delete ('-', ...), an update of the
 * ends or type both; deletes cascaded from a CI's deletion are logged too (SQLite fires the
 * child's triggers for foreign-key actions, PostgreSQL runs them as statements on the table).
 * The same log carries ('*', ci id, '', '') when a CI's name, class or operational status
 * changes or the CI is deleted: impact answers may keep those fields of reached CIs in memory.
 * Inserts of CIs are not logged (a new CI is read when a walk first reaches it).
 * Old rows are pruned by a periodic job, which first raises `ci_relationship_log_pruned.below`
 * (one row): a reader whose last applied seq is below it may have missed rows and rebuilds.
 * (The smallest seq left cannot tell that: PostgreSQL's sequences leave gaps on rollback.)
 *
 * SQLite: row triggers; seq is the rowid (max + 1), never handed out twice because the prune
 * job always keeps the newest rows (AUTOINCREMENT would also rewrite sqlite_sequence on every
 * logged change of a bulk load). PostgreSQL: statement triggers over transition tables, one insert
 * per statement however many rows a bulk load writes. The log's seq values come from a
 * sequence and may commit out of order there; readers handle that (cmdb.graph.sync.ts).
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";
import { isPostgres } from "../dialect.js";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable("ci_relationship_log_pruned").addColumn("id", "integer", (c) => c.primaryKey()).addColumn("below", "bigint", (c) => c.notNull()).execute();
  await db.insertInto("ci_relationship_log_pruned").values({ id: 1, below: 0 }).execute();
  if (isPostgres(db)) return pgUp(db);
  await sql`create table ci_relationship_log (
    seq integer primary key,
    op text not null,
    source_id text not null,
    type text not null,
    target_id text not null
  )`.execute(db);
  await sql`create trigger ci_relationship_log_insert after insert on ci_relationships begin
    insert into ci_relationship_log (op, source_id, type, target_id) values ('+', new.source_id, new.type, new.target_id);
  end`.execute(db);
  await sql`create trigger ci_relationship_log_delete after delete on ci_relationships begin
    insert into ci_relationship_log (op, source_id, type, target_id) values ('-', old.source_id, old.type, old.target_id);
  end`.execute(db);
  await sql`create trigger ci_relationship_log_update after update of source_id, type, target_id on ci_relationships begin
    insert into ci_relationship_log (op, source_id, type, target_id) values ('-', old.source_id, old.type, old.target_id), ('+', new.source_id, new.type, new.target_id);
  end`.execute(db);
  await sql`create trigger cis_graph_log_update after update of name, class, operational_status on cis
    when old.name is not new.name or old.class is not new.class or old.operational_status is not new.operational_status begin
    insert into ci_relationship_log (op, source_id, type, target_id) values ('*', old.id, '', '');
  end`.execute(db);
  await sql`create trigger cis_graph_log_delete after delete on cis begin
    insert into ci_relationship_log (op, source_id, type, target_id) values ('*', old.id, '', '');
  end`.execute(db);
}

async function pgUp(db: Kysely<any>): Promise<void> {
  await sql`create table ci_relationship_log (
    seq bigserial primary key,
    op text not null,
    source_id text not null,
    type text not null,
    target_id text not null
  )`.execute(db);
  // One function per event: a trigger with transition tables serves a single event.
  await sql`create function ci_relationship_log_insert() returns trigger language plpgsql as $$
    begin
      insert into ci_relationship_log (op, source_id, type, target_id) select '+', source_id, type, target_id from new_rows;
      return null;
    end $$`.execute(db);
  await sql`create function ci_relationship_log_delete() returns trigger language plpgsql as $$
    begin
      insert into ci_relationship_log (op, source_id, type, target_id) select '-', source_id, type, target_id from old_rows;
      return null;
    end $$`.execute(db);
  // Only rows whose ends or type changed; removals first so that a row updated back and forth stays present.
  await sql`create function ci_relationship_log_update() returns trigger language plpgsql as $$
    begin
      insert into ci_relationship_log (op, source_id, type, target_id)
        select '-', o.source_id, o.type, o.target_id from old_rows o join new_rows n on n.id = o.id
        where (o.source_id, o.type, o.target_id) is distinct from (n.source_id, n.type, n.target_id);
      insert into ci_relationship_log (op, source_id, type, target_id)
        select '+', n.source_id, n.type, n.target_id from old_rows o join new_rows n on n.id = o.id
        where (o.source_id, o.type, o.target_id) is distinct from (n.source_id, n.type, n.target_id);
      return null;
    end $$`.execute(db);
  // CI rows: row triggers whose WHEN skips the function for writes that change none of the three fields.
  await sql`create function cis_graph_log() returns trigger language plpgsql as $$
    begin
      insert into ci_relationship_log (op, source_id, type, target_id) values ('*', old.id, '', '');
      return null;
    end $$`.execute(db);
  await sql`create trigger cis_graph_log_update after update of name, class, operational_status on cis for each row
    when (old.name is distinct from new.name or old.class is distinct from new.class or old.operational_status is distinct from new.operational_status)
    execute function cis_graph_log()`.execute(db);
  await sql`create trigger cis_graph_log_delete after delete on cis for each row execute function cis_graph_log()`.execute(db);
  await sql`create trigger ci_relationship_log_insert after insert on ci_relationships referencing new table as new_rows for each statement execute function ci_relationship_log_insert()`.execute(db);
  await sql`create trigger ci_relationship_log_delete after delete on ci_relationships referencing old table as old_rows for each statement execute function ci_relationship_log_delete()`.execute(db);
  await sql`create trigger ci_relationship_log_update after update on ci_relationships referencing old table as old_rows new table as new_rows for each statement execute function ci_relationship_log_update()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of ["cis_graph_log_update", "cis_graph_log_delete"]) await sql`drop trigger if exists ${sql.id(trigger)} ${isPostgres(db) ? sql`on cis` : sql``}`.execute(db);
  if (isPostgres(db)) await sql`drop function if exists cis_graph_log()`.execute(db);
  for (const event of ["insert", "delete", "update"]) {
    await sql`drop trigger if exists ${sql.id(`ci_relationship_log_${event}`)} ${isPostgres(db) ? sql`on ci_relationships` : sql``}`.execute(db);
    if (isPostgres(db)) await sql`drop function if exists ${sql.id(`ci_relationship_log_${event}`)}()`.execute(db);
  }
  await sql`drop table ci_relationship_log`.execute(db);
  await sql`drop table ci_relationship_log_pruned`.execute(db);
}
