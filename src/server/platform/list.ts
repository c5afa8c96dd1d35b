/** Shared mechanics of list endpoints: search patterns, sorting, offset pagination with total. */
import { sql, type Expression, type SelectQueryBuilder, type RawBuilder } from "kysely";
import type { DbOrTrx } from "./db/schema.js";

/**
 * A case-insensitive "contains" condition on one or more columns (LIKE wildcards escaped).
 * Text beyond ASCII folds through `unicode_lower` (SQLite's own lower() leaves "É" as it is);
 * ASCII text keeps the built-in lower(), which costs no call into JavaScript per row.
 */
export function containsAny(columns: string[], text: string): RawBuilder<boolean> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const lower = /[^\x00-\x7f]/.test(text) ? sql.raw("unicode_lower") : sql.raw("lower");
  const parts = columns.map((c) => sql`${lower}(${sql.ref(c)}) like ${pattern} escape '\\'`);
  return sql<boolean>`(${sql.join(parts, sql` or `)})`;
}

export interface PageInput {
  limit?: number;
  offset?: number;
  sort?: string;
}

/** Resolves `sort=-name` into a column and direction, through an allow-list. */
export function sortSpec(sort: string | undefined, columns: Record<string, string>, fallback: string): { column: string; direction: "asc" | "desc" } {
  const raw = sort ?? fallback;
  const direction = raw.startsWith("-") ? "desc" : "asc";
  const key = raw.replace(/^-/, "");
  return { column: columns[key] ?? columns[fallback.replace(/^-/, "")], direction };
}

/**
 * Counting stops here for lists that ask for it: past this many rows an exact total costs
 * more than the page itself (a million CIs). The cap follows the requested page, so paging
 * on always finds a total past the current page.
 */
export const TOTAL_CAP = 1_000;

/**
 * How a list's total is counted. `db` caps the count (TOTAL_CAP); `count` is the same filters
 * without the joins that only add columns to the page: counting through left joins made
 * SQLite and PostgreSQL read every joined row of every match just to count them.
 */
export interface CappedCount {
  db?: DbOrTrx;
  count?: SelectQueryBuilder<any, any, any>;
}

/**
 * The total of a filtered list. A page that is not full ends the list and gives it without
 * counting; otherwise `count` (without order) is counted, with `db` exactly up to TOTAL_CAP
 * or the end of the requested page, whichever is further, and one more when more rows match.
 * `more` (whether a row follows the page, for a caller that read one row past it) answers a
 * capped count whose cap is the end of the page without counting: that count could only tell
 * the same thing, after reading every row before the page again.
 */
export async function pageTotal(count: SelectQueryBuilder<any, any, any>, found: number, limit: number, offset: number, db?: DbOrTrx, more?: boolean): Promise<number> {
  if (found < limit && (found > 0 || offset === 0)) return offset + found;
  if (db && more !== undefined && found === limit && offset + limit >= TOTAL_CAP) return offset + limit + (more ? 1 : 0);
  const counted = count.clearSelect().clearOrderBy();
  if (!db) {
    const row = await counted.select(sql<number>`count(*)`.as("total")).executeTakeFirst();
    return Number((row as { total?: number | string } | undefined)?.total ?? 0);
  }
  const cap = Math.max(TOTAL_CAP, offset + limit) + 1;
  const { rows } = await sql<{ total: number | string }>`select count(*) as total from (${counted.select(sql.lit(1).as("one")).limit(cap)}) as capped`.execute(db);
  return Number(rows[0]?.total ?? 0);
}

/**
 * Runs a filtered query for the page, ordered by the sort column (or expression) and then by `tieBreaker` so
 * pages never overlap, and, unless the page is the last one, counts the total (pageTotal;
 * `counting.count` lets a caller count without its joins).
 */
export async function paginate<DB, TB extends keyof DB, O, T>(
  query: SelectQueryBuilder<DB, TB, O>,
  input: PageInput,
  sort: { column: string | Expression<unknown>; direction: "asc" | "desc" },
  tieBreaker: string,
  map: (row: O) => T,
  counting?: CappedCount,
): Promise<{ items: T[]; total: number; limit: number; offset: number }> {
  const limit = input.limit ?? 50;
  const offset = input.offset ?? 0;
  const rows = await query
    .orderBy(typeof sort.column === "string" ? sql.ref(sort.column) : sort.column, sort.direction)
    .orderBy(sql.ref(tieBreaker), sort.direction)
    .limit(limit)
    .offset(offset)
    .execute();
  const total = await pageTotal(counting?.count ?? query, rows.length, limit, offset, counting?.db);
  return { items: rows.map(map), total, limit, offset };
}
