/**
 * The CI status indexes become narrow: (environment), (lifecycle_status) and
 * (operational_status) instead of each followed by the name. Keyed by a status and the name,
 * every new CI landed at a random place in each of the three (names are in no order), so a bulk
 * batch of a thousand CIs rewrote about a thousand pages of each: half of the cost of inserting
 * a CI row (standalone SQLite test at 60,000 CIs: 174 -> 89 us CPU per row). Keyed by a status
 * alone, the entries of one value are in row order (the rowid on SQLite, the heap position on
 * PostgreSQL), so new CIs append at the end of their value's range.
 * What the CI list loses: a filter on a status sorted by name now reads that status's CIs and
 * sorts them, or walks the name index and skips the others (the list's class filter and its
 * name search have their own indexes, unchanged).
 * Frozen: never edit after release; add a new migration instead.
 */
import type { Kysely } from "kysely";

const COLUMNS = { cis_environment_idx: "environment", cis_lifecycle_idx: "lifecycle_status", cis_operational_idx: "operational_status" } as const;

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
