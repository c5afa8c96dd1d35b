/**
 * Hand-written multi-row statements for the ingest path. Kysely building a statement value by
 * value costs more than the database's work for a batch; and batches are cut into chunks of
 * power-of-two sizes so the few distinct SQL texts stay in the statement cache.
 */
import { CompiledQuery } from "kysely";
import { isPostgres } from "../../platform/db/dialect.js";
import type { DbOrTrx } from "../../platform/db/schema.js";

const MAX_CHUNK = 256;

/** Chunk sizes for n rows: powers of two, largest first (n = 13 -> 8, 4, 1). */
export function chunkSizes(n: number, max = MAX_CHUNK): number[] {
  const out: number[] = [];
  let left = n;
  while (left > 0) {
    let size = max;
    while (size > left) size >>= 1;
    out.push(size);
    left -= size;
  }
  return out;
}

function placeholders(pg: boolean, rows: number, cols: number): string {
  let n = 0;
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < cols; c++) cells.push(pg ? `$${++n}` : "?");
    tuples.push(`(${cells.join(", ")})`);
  }
  return tuples.join(", ");
}

const sqlCache = new Map<string, string>();

/** Inserts rows (arrays in `columns` order); with `conflict`, an upsert that overwrites `update` columns. */
export async function insertMany(
  db: DbOrTrx,
  table: string,
  columns: readonly string[],
  rows: unknown[][],
  upsert?: { conflict: string; update: readonly string[] },
): Promise<void> {
  if (!rows.length) return;
  const pg = isPostgres(db);
  let offset = 0;
  for (const size of chunkSizes(rows.length)) {
    const key = `${pg}|${table}|${size}|${columns.length}|${upsert ? "u" : "i"}`;
    let text = sqlCache.get(key);
    if (!text) {
      text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) values ${placeholders(pg, size, columns.length)}`;
      if (upsert) text += ` on conflict ("${upsert.conflict}") do update set ${upsert.update.map((c) => `"${c}" = excluded."${c}"`).join(", ")}`;
      sqlCache.set(key, text);
    }
    const params: unknown[] = [];
    for (let r = offset; r < offset + size; r++) {
      for (const v of rows[r]) params.push(!pg && typeof v === "boolean" ? (v ? 1 : 0) : v === undefined ? null : v);
    }
    await db.executeQuery(CompiledQuery.raw(text, params));
    offset += size;
  }
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
