/** Shared mechanics of list endpoints: search patterns, sorting, offset pagination with total. */
import { sql, type SelectQueryBuilder, type RawBuilder } from "kysely";

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
 * Runs a filtered query twice: once for the total, once for the page, ordered by the sort
 * column and then by `tieBreaker` so pages never overlap.
 */
export async function paginate<DB, TB extends keyof DB, O, T>(
  query: SelectQueryBuilder<DB, TB, O>,
  input: PageInput,
  sort: { column: string; direction: "asc" | "desc" },
  tieBreaker: string,
  map: (row: O) => T,
): Promise<{ items: T[]; total: number; limit: number; offset: number }> {
  const limit = input.limit ?? 50;
  const offset = input.offset ?? 0;
  const countRow = await query
    .clearSelect()
    .clearOrderBy()
    .select(sql<number>`count(*)`.as("total") as never)
    .executeTakeFirst();
  const total = Number((countRow as { total?: number | string } | undefined)?.total ?? 0);
  const rows = await query
    .orderBy(sql.ref(sort.column), sort.direction)
    .orderBy(sql.ref(tieBreaker), sort.direction)
    .limit(limit)
    .offset(offset)
    .execute();
  return { items: rows.map(map), total, limit, offset };
}
