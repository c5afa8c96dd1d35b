/**
 * Queries on the hottest paths (authenticating every request) are built and compiled by
 * Kysely once per database handle, then run with fresh parameters: building the query tree
 * cost more than running it.
 */
import type { Compilable, CompiledQuery, Kysely } from "kysely";

const MARK = "\u0000param:";
const compiled = new WeakMap<object, Map<string, CompiledQuery>>();

/** A placeholder for a named parameter, to use while building a precompiled query. */
export function param(name: string): string {
  return `${MARK}${name}`;
}

/** Runs the query `build` returns (compiled once per handle and key) with these parameter values. */
export async function runPrecompiled<R>(db: Kysely<any>, key: string, build: () => Compilable<R>, values: Record<string, unknown>): Promise<R[]> {
  let forDb = compiled.get(db);
  if (!forDb) compiled.set(db, (forDb = new Map()));
  let query = forDb.get(key);
  if (!query) forDb.set(key, (query = build().compile()));
  const parameters = query.parameters.map((v) => (typeof v === "string" && v.startsWith(MARK) ? values[v.slice(MARK.length)] : v));
  const result = await db.executeQuery<R>({ ...query, parameters } as CompiledQuery<R>);
  return result.rows;
}
