/**
 * Two CI status indexes become narrow: (lifecycle_status) and (operational_status) instead of
 * each followed by the name. Keyed by a status and the name, every new CI landed at a random
 * place in each (names are in no order), so a bulk batch of a thousand CIs rewrote about a
 * thousand pages of each. Keyed by a status alone, the entries of one value are in row order
 * (the rowid on SQLite, the heap position on PostgreSQL), so new CIs append at the end of their
 * value's range (standalone SQLite test at 60,000 CIs, the three status indexes narrowed: 174 ->
 * 89 us CPU per CI row inserted).
 * What the CI list pays: a filter on one of these statuses sorted by name reads that status's
 * CIs and sorts them. Both are skewed (nine CIs in ten are in service and up), so the rare
 * values that such a filter looks for are a few percent of the CIs. The environment index
 * keeps the name: its values are spread more evenly (a fifth of the CIs in staging), and a
 * staging list sorted by name would sort a fifth of the CMDB.
 * Frozen: never edit after release; add a new migration instead.
 */
import type { Kysely } from "kysely";

const COLUMNS = { cis_lifecycle_idx: "lifecycle_status", cis_operational_idx: "operational_status" } as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [index, column] of Object.entries(COLUMNS)) {
    await db.schema.dropIndex(index).execute();
    await db.schema.createIndex(index).on("cis").column(column).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [index, column] of Object.entries(COLUMNS)) {
    await db.schema.dropIndex(index).execute();
    await db.schema.createIndex(index).on("cis").columns([column, "name"]).execute();
  }
}
