/**
 * The ingest path's multi-row statements (platform/db/multirow.ts): batches are cut into chunks
 * of power-of-two sizes so the few distinct SQL texts stay in the statement cache.
 */
import { CompiledQuery } from "kysely";
import { isPostgres } from "../../platform/db/dialect.js";
import { chunkSizes, insertArrays } from "../../platform/db/multirow.js";
import type { DbOrTrx } from "../../platform/db/schema.js";

export { chunkSizes } from "../../platform/db/multirow.js";

/** Inserts rows (arrays in `columns` order); with `conflict`, an upsert that overwrites `update` columns. */
export async function insertMany(
  db: DbOrTrx,
  table: string,
  columns: readonly string[],
  rows: unknown[][],
  upsert?: { conflict: string; update: readonly string[] },
): Promise<void> {
  await insertArrays(db, table, columns, rows, { chunking: "pow2", upsert });
}

/** Rows whose `keyColumn` is one of `keys`; on PostgreSQL locked for update (in key order, so writers never deadlock). */
export async function selectByKeys<T>(db: DbOrTrx, table: string, keyColumn: string, keys: string[], columns: readonly string[], forUpdate: boolean): Promise<T[]> {
  if (!keys.length) return [];
  const pg = isPostgres(db);
  const out: T[] = [];
  let offset = 0;
  for (const size of chunkSizes(keys.length)) {
    const list = pg ? Array.from({ length: size }, (_, i) => `$${i + 1}`).join(", ") : Array(size).fill("?").join(", ");
    const text = `select ${columns.map((c) => `"${c}"`).join(", ")} from "${table}" where "${keyColumn}" in (${list})${forUpdate && pg ? ` order by "${keyColumn}" for update` : ""}`;
    const res = await db.executeQuery<T>(CompiledQuery.raw(text, keys.slice(offset, offset + size)));
    out.push(...res.rows);
    offset += size;
  }
  return out;
}
