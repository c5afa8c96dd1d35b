/**
 * Planner statistics for CI lists on SQLite. A list filters on class, statuses, environment
 * and a name fragment at once, and which index serves it best depends on the data (a class of
 * 300,000 VMs or of 10,000 servers): without statistics SQLite guesses, and over a million CIs
 * a wrong guess turns a 5 ms page into seconds. PostgreSQL's autovacuum keeps its own
 * statistics, so this is SQLite only.
 */
import { sql } from "kysely";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";

// Below this many CIs every plan is fast; above it, statistics are refreshed each time the
// table has doubled since they were taken, so their total cost stays proportional to the table.
const MIN_ROWS = 1000;

/** Re-analyses the cis table when it has grown to twice the size its statistics describe; call outside a transaction. */
export async function refreshCiStatistics(db: DbOrTrx): Promise<boolean> {
  if (isPostgres(db)) return false;
  // max(rowid) is one index step, unlike count(*); deleted CIs only make it err high.
  const { rows } = await sql<{ n: number | null }>`select max(rowid) as n from cis`.execute(db);
  const size = Number(rows[0]?.n ?? 0);
  if (size < MIN_ROWS) return false;
  const stat1 = await sql<{ name: string }>`select name from sqlite_schema where name = 'sqlite_stat1'`.execute(db);
  const analysed = stat1.rows.length
    ? Number((await sql<{ stat: string }>`select stat from sqlite_stat1 where tbl = 'cis' and idx = 'cis_class_name_idx'`.execute(db)).rows[0]?.stat.split(" ")[0] ?? 0)
    : 0;
  if (size <= 2 * analysed) return false;
  await sql`analyze cis`.execute(db);
  return true;
}
