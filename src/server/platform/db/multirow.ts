/**
 * Multi-row statements written by hand for the write-heavy paths (the alert fold, the CMDB bulk
 * path): Kysely building a statement value by value cost more than the database's own work for
 * a batch of hundreds or thousands of rows. Statement texts are kept by shape, so a batch's few
 * shapes are built once (and stay in the SQLite statement cache, which is keyed by text).
 */
import { CompiledQuery } from "kysely";
import { isPostgres } from "./dialect.js";
import type { DbOrTrx } from "./schema.js";

// Both dialects bind at most 32,766 (SQLite) or 65,535 (PostgreSQL) parameters per statement.
const MAX_PARAMS = 30_000;
// Rows per statement when cutting in powers of two: at most 9 shapes per table.
const MAX_POW2_ROWS = 256;

/** Chunk sizes for n rows: powers of two up to `max`, largest first (n = 13 -> 8, 4, 1). */
export function chunkSizes(n: number, max = MAX_POW2_ROWS): number[] {
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

const TEXTS = new Map<string, string>();
const TEXTS_KEPT = 128;

/** The statement text kept under `key`, built (and kept, the oldest going first) when missing. */
export function keptText(key: string, build: () => string): string {
  let text = TEXTS.get(key);
  if (text === undefined) {
    text = build();
    if (TEXTS.size >= TEXTS_KEPT) TEXTS.delete(TEXTS.keys().next().value!);
    TEXTS.set(key, text);
  }
  return text;
}

/** `rows` tuples of `width` placeholders, PostgreSQL's numbered from `after` + 1 on `pg`. */
export function placeholderTuples(pg: boolean, rows: number, width: number, after = 0): string {
  let n = after;
  const tuple = () => `(${Array.from({ length: width }, () => (pg ? `$${++n}` : "?")).join(", ")})`;
  return Array.from({ length: rows }, tuple).join(", ");
}

/** How a batch is cut into statements: powers of two (few shapes, for batches of any size), or as many rows as the parameter limit allows. */
export type Chunking = "pow2" | "max";

/**
 * Inserts rows (arrays in `columns` order) with multi-row statements; with `upsert`, rows whose
 * `conflict` column exists overwrite the `update` columns. Booleans are bound as 1/0 on SQLite,
 * undefined as null.
 */
export async function insertArrays(
  db: DbOrTrx,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  options: { chunking: Chunking; upsert?: { conflict: string; update: readonly string[] } },
): Promise<void> {
  if (!rows.length) return;
  const pg = isPostgres(db);
  const width = columns.length;
  const sizes = options.chunking === "pow2" ? chunkSizes(rows.length) : evenChunks(rows.length, Math.max(1, Math.floor(MAX_PARAMS / width)));
  const { upsert } = options;
  let offset = 0;
  for (const size of sizes) {
    const text = keptText(`${pg ? "p" : "s"}|${table}|${columns.join(",")}|${size}|${upsert ? `${upsert.conflict}:${upsert.update.join(",")}` : ""}`, () => {
      let t = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) values ${placeholderTuples(pg, size, width)}`;
      if (upsert) t += ` on conflict ("${upsert.conflict}") do update set ${upsert.update.map((c) => `"${c}" = excluded."${c}"`).join(", ")}`;
      return t;
    });
    const params: unknown[] = new Array(size * width);
    let k = 0;
    for (let r = offset; r < offset + size; r++) {
      for (const v of rows[r]) params[k++] = !pg && typeof v === "boolean" ? (v ? 1 : 0) : v === undefined ? null : v;
    }
    await db.executeQuery(CompiledQuery.raw(text, params));
    offset += size;
  }
}

/** n rows in statements of at most `per` rows. */
function evenChunks(n: number, per: number): number[] {
  const out: number[] = [];
  for (let left = n; left > 0; left -= per) out.push(Math.min(per, left));
  return out;
}
