/** Shared mechanics of list endpoints: search patterns, sorting, offset pagination with total. */
import { sql, type SelectQueryBuilder, type RawBuilder } from "kysely";
import type { DbOrTrx } from "./db/schema.js";

/** A case-insensitive "contains" condition on one or more columns (LIKE wildcards escaped). */
export function containsAny(columns: string[], text: string): RawBuilder<boolean> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const parts = columns.map((c) => sql`lower(${sql.ref(c)}) like ${pattern} escape '\\'`);
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

/** Where a capped count runs (the query builder cannot wrap itself in a subquery). */
export interface CappedCount {
  db: DbOrTrx;
}

/**
 * Runs a filtered query for the page, ordered by the sort column and then by `tieBreaker` so
 * pages never overlap, and, unless the page is the last one, again for the total. With
 * `capped`, the total is exact up to TOTAL_CAP (or up to the end of the requested page, if
 * further) and one more than that when more rows match.
 */
export async function paginate<DB, TB extends keyof DB, O, T>(
  query: SelectQueryBuilder<DB, TB, O>,
  input: PageInput,
  sort: { column: string; direction: "asc" | "desc" },
  tieBreaker: string,
  map: (row: O) => T,
  capped?: CappedCount,
): Promise<{ items: T[]; total: number; limit: number; offset: number }> {
  const limit = input.limit ?? 50;
  const offset = input.offset ?? 0;
  const rows = await query
    .orderBy(sql.ref(sort.column), sort.direction)
    .orderBy(sql.ref(tieBreaker), sort.direction)
    .limit(limit)
    .offset(offset)
    .execute();
  // A page that is not full ends the list, so it gives the exact total without counting.
  if (rows.length < limit && (rows.length > 0 || offset === 0)) return { items: rows.map(map), total: offset + rows.length, limit, offset };
  const counted = query.clearSelect().clearOrderBy();
  const countRow = capped
    ? (await sql<{ total: number | string }>`select count(*) as total from (${counted.select(sql.lit(1).as("one") as never).limit(Math.max(TOTAL_CAP, offset + limit) + 1)}) as capped`.execute(capped.db)).rows[0]
    : await counted.select(sql<number>`count(*)`.as("total") as never).executeTakeFirst();
  const total = Number((countRow as { total?: number | string } | undefined)?.total ?? 0);
  return { items: rows.map(map), total, limit, offset };
}
