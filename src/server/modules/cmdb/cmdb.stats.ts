/**
 * Planner statistics for the CMDB tables. A CI list filters on class, statuses, environment
 * and a name fragment at once, and which index serves it best depends on the data (a class of
 * 300,000 VMs or of 10,000 servers); impact analysis asks for a thousand relationships by CI
 * id. Without statistics the planners guess: SQLite picks a status index and PostgreSQL,
 * whose autovacuum lags far behind a bulk load, believes the tables hold a few hundred rows;
 * over a million CIs either turns a 5 ms answer into seconds. So statistics are refreshed
 * whenever a table has doubled since they were taken: their total cost stays proportional to
 * the table's growth.
 */
import { sql } from "kysely";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";

// Below this many rows every plan is fast.
const MIN_ROWS = 1000;

// SQLite plans the other tables' lookups well without statistics; PostgreSQL needs row counts.
const SQLITE_TABLES = ["cis"];
const PG_TABLES = ["cis", "ci_identifiers", "ci_relationships"];

async function sqliteStale(db: DbOrTrx): Promise<string[]> {
  const stat1 = await sql<{ name: string }>`select name from sqlite_schema where name = 'sqlite_stat1'`.execute(db);
  const stale: string[] = [];
  for (const table of SQLITE_TABLES) {
    // max(rowid) is one index step, unlike count(*); deleted rows only make it err high.
    const { rows } = await sql<{ n: number | null }>`select max(rowid) as n from ${sql.table(table)}`.execute(db);
    const size = Number(rows[0]?.n ?? 0);
    // The first number of a stat1 row is the table's size when it was analysed.
    const analysed = stat1.rows.length ? Number((await sql<{ stat: string }>`select stat from sqlite_stat1 where tbl = ${table} limit 1`.execute(db)).rows[0]?.stat.split(" ")[0] ?? 0) : 0;
    if (size >= MIN_ROWS && size > 2 * analysed) stale.push(table);
  }
  return stale;
}

async function pgStale(db: DbOrTrx): Promise<string[]> {
  // n_live_tup follows writes as they commit; reltuples is what the last ANALYZE (or VACUUM) saw.
  const { rows } = await sql<{ relname: string; live: number | string; analysed: number | string }>`
    select c.relname, s.n_live_tup as live, c.reltuples as analysed
    from pg_class c join pg_stat_user_tables s on s.relid = c.oid
    where c.oid in (${sql.join(PG_TABLES.map((t) => sql`to_regclass(${t})`))})`.execute(db);
  return rows.filter((r) => Number(r.live) >= MIN_ROWS && Number(r.live) > 2 * Math.max(0, Number(r.analysed))).map((r) => r.relname);
}

/** Analyses the CMDB tables that have doubled since their statistics were taken; call outside a transaction. */
export async function refreshCmdbStatistics(db: DbOrTrx): Promise<string[]> {
  const stale = isPostgres(db) ? await pgStale(db) : await sqliteStale(db);
  for (const table of stale) await sql`analyze ${sql.table(table)}`.execute(db);
  return stale;
}
