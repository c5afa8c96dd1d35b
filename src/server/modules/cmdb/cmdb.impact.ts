/**
 * Impact analysis: breadth-first over relationships, one query per depth level that follows
 * both ends at once (`target_id in (frontier)` for types whose failure travels from target
 * to source, `source_id in (frontier)` for the others), each answered from a covering index.
 * Each CI is visited once, so cycles end, and each reached CI keeps the hop that reached it
 * (`from`, `type`): following those back to the start gives a shortest path.
 *
 * The queries are fixed SQL texts whose lists arrive as one parameter (a JSON array read with
 * json_each on SQLite, a text[] on PostgreSQL), so every request reuses the same prepared
 * statements whatever the size of the frontier, and no list meets a bound-parameter limit.
 *
 * Outside a transaction, once the in-memory graph (cmdb.graph*.ts) is ready, the walk runs
 * there instead, and the reached CIs' rows come from memory (kept in step by the same log),
 * those not kept yet in one query; the SQL walk stays for transactions, for the time the graph
 * is being built, and as the reference in tests.
 */
import { CompiledQuery } from "kysely";
import type { CiRef, ImpactEdge, ImpactItem, ImpactResult, RelationshipType } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { loadCatalog } from "./classes.service.js";
import { BUSINESS_SERVICE_CLASS } from "./cmdb.classes.js";
import { ciNotFound } from "./cis.records.js";
import { NotFoundError } from "../../platform/errors.js";
import { loadTypes } from "./relationships.service.js";
import { ciRows, currentGraph } from "./cmdb.graph.sync.js";

export type ImpactDirection = "downstream" | "upstream";

export const DEFAULT_DEPTH = 6;
export const MAX_DEPTH = 10;

/** What an answer carries beyond each reached CI and its hop. */
export interface ImpactOptions {
  /** Every relationship among the root and the reached CIs (default true for callers in code; the API asks with ?edges=true). */
  edges?: boolean;
  /** Each item's full path and relationship types (default false). */
  paths?: boolean;
  /** Walk in SQL even when the in-memory graph is ready (the reference the tests compare with). */
  sql?: boolean;
}

interface Reached {
  depth: number;
  from: string;
  type: string;
}

/**
 * Which relationship ends a failure travels along. Downstream of X (what X's failure
 * impacts): from target to source for `target_to_source` types, from source to target for
 * `source_to_target` types. Upstream is the same graph walked backwards.
 */
function typeSets(types: Map<string, RelationshipType>, direction: ImpactDirection) {
  const toSource: string[] = [];
  const toTarget: string[] = [];
  for (const t of types.values()) {
    const forward = t.impact === "source_to_target" || t.impact === "both";
    const backward = t.impact === "target_to_source" || t.impact === "both";
    if (direction === "downstream" ? backward : forward) toSource.push(t.name);
    if (direction === "downstream" ? forward : backward) toTarget.push(t.name);
  }
  return { toSource, toTarget };
}

// `+type` keeps SQLite from seeking every (id, type) pair: it seeks each id once and filters
// the few types in the index entries it reads.
const SQLITE = {
  hops: `select source_id as next, target_id as prev, type from ci_relationships where target_id in (select value from json_each(?)) and +type in (select value from json_each(?))
    union all
    select target_id, source_id, type from ci_relationships where source_id in (select value from json_each(?)) and +type in (select value from json_each(?))`,
  refs: "select id, name, class, operational_status from cis where id in (select value from json_each(?))",
  edges: "select id, source_id, target_id, type from ci_relationships where target_id in (select value from json_each(?))",
};
// A join from unnest() reads each id's index entries once; `= any(array)` on two index
// columns made PostgreSQL 15 descend once per (id, type) pair and plan parallel workers.
const POSTGRES = {
  hops: `select r.source_id as next, r.target_id as prev, r.type from unnest($1::text[]) f(id) join ci_relationships r on r.target_id = f.id where r.type = any($2::text[])
    union all
    select r.target_id, r.source_id, r.type from unnest($1::text[]) f(id) join ci_relationships r on r.source_id = f.id where r.type = any($3::text[])`,
  refs: "select c.id, c.name, c.class, c.operational_status from unnest($1::text[]) f(id) join cis c on c.id = f.id",
  edges: "select r.id, r.source_id, r.target_id, r.type from unnest($1::text[]) f(id) join ci_relationships r on r.target_id = f.id",
};

type Hop = { next: string; prev: string; type: string };
type RefRow = { id: string; name: string; class: string; operational_status: string };
type EdgeRow = { id: string; source_id: string; target_id: string; type: string };

/** The three queries of a walk, bound to a database handle and its dialect. */
function queries(db: DbOrTrx) {
  const pg = isPostgres(db);
  const run = async <R>(text: string, parameters: unknown[]): Promise<R[]> => (await db.executeQuery<R>(CompiledQuery.raw(text, parameters))).rows;
  return {
    hops: (frontier: string[], toSource: string[], toTarget: string[]) => {
      if (pg) return run<Hop>(POSTGRES.hops, [frontier, toSource, toTarget]);
      const ids = JSON.stringify(frontier);
      return run<Hop>(SQLITE.hops, [ids, JSON.stringify(toSource), ids, JSON.stringify(toTarget)]);
    },
    refs: (ids: string[]) => run<RefRow>(pg ? POSTGRES.refs : SQLITE.refs, [pg ? ids : JSON.stringify(ids)]),
    // Every relationship into the CIs; the caller keeps those from one of them (cheaper in
    // JavaScript than a second list in SQL: nearly all of them are).
    edges: (ids: string[]) => run<EdgeRow>(pg ? POSTGRES.edges : SQLITE.edges, [pg ? ids : JSON.stringify(ids)]),
  };
}

const toRef = (r: RefRow): CiRef => ({ id: r.id, name: r.name, class: r.class, operationalStatus: r.operational_status as CiRef["operationalStatus"] });

// The default collation, built once (String#localeCompare compares the same way).
const byName = new Intl.Collator();
// Names of lowercase ASCII letters, digits, spaces, dots and hyphens (most generated CI names)
// sort the same by code unit as by the collator (the weights of these characters keep ASCII's
// order; cmdb.graph.test.ts checks it), at a fraction of the cost of a collator comparison.
const PLAIN = /^[a-z0-9 .-]*$/;

/** Items nearest first, then by name in the default collation. */
export function sortItems(items: ImpactItem[]): ImpactItem[] {
  const keyed = items.map((item) => ({ item, plain: PLAIN.test(item.ci.name) }));
  keyed.sort((a, b) => {
    const d = a.item.depth - b.item.depth;
    if (d) return d;
    const x = a.item.ci.name;
    const y = b.item.ci.name;
    if (a.plain && b.plain) return x < y ? -1 : x > y ? 1 : 0;
    return byName.compare(x, y);
  });
  return keyed.map((k) => k.item);
}

/** The CIs a walk reached, each with the hop that reached it, breadth-first from `rootId`. */
async function walk(q: ReturnType<typeof queries>, rootId: string, sets: { toSource: string[]; toTarget: string[] }, depth: number): Promise<Map<string, Reached>> {
  const seen = new Map<string, Reached>();
  let frontier = [rootId];
  for (let level = 1; level <= depth && frontier.length; level++) {
    const next: string[] = [];
    for (const hop of await q.hops(frontier, sets.toSource, sets.toTarget)) {
      if (hop.next === rootId || seen.has(hop.next)) continue;
      seen.set(hop.next, { depth: level, from: hop.prev, type: hop.type });
      next.push(hop.next);
    }
    frontier = next;
  }
  return seen;
}

/** The walk on the in-memory graph, or null when it is not ready (the caller walks in SQL). */
async function graphWalk(db: DbOrTrx, rootId: string, direction: ImpactDirection, depth: number): Promise<Map<string, Reached> | null> {
  const current = await currentGraph(db);
  if (!current) return null;
  const { graph, types } = current;
  const seen = new Map<string, Reached>();
  const root = graph.find(rootId);
  if (root === undefined) return seen;
  const sets = typeSets(types, direction);
  const follow = new Uint8Array(graph.types.length);
  graph.types.forEach((name, t) => {
    follow[t] = (sets.toSource.includes(name) ? 1 : 0) | (sets.toTarget.includes(name) ? 2 : 0);
  });
  const reach = graph.walk(root, follow, depth);
  for (const n of reach.order) seen.set(graph.ids[n], { depth: reach.depth.get(n)!, from: graph.ids[reach.from.get(n)!], type: graph.types[reach.type.get(n)!] });
  return seen;
}

/** The root's row and the CIs reached from it: from the graph when ready (one query for the rows), else level by level in SQL. */
async function reachFrom(db: DbOrTrx, q: ReturnType<typeof queries>, rootId: string, direction: ImpactDirection, depth: number, sql: boolean) {
  const cached = sql ? null : await graphWalk(db, rootId, direction, depth);
  let rootRow: RefRow | undefined;
  let seen = cached;
  let rows: RefRow[] = [];
  if (seen) {
    rows = [...(await ciRows(db as Db, [rootId, ...seen.keys()], (missing) => q.refs(missing))).values()];
    rootRow = rows.find((r) => r.id === rootId);
  } else {
    [rootRow] = await q.refs([rootId]);
    if (rootRow) seen = await walk(q, rootId, typeSets(await loadTypes(db), direction), depth);
  }
  if (!rootRow || !seen) throw ciNotFound(rootId);
  const refs = new Map<string, CiRef>();
  if (cached) for (const r of rows) refs.set(r.id, toRef(r));
  else if (seen.size) for (const r of await q.refs([...seen.keys()])) refs.set(r.id, toRef(r));
  return { rootRow, seen, refs };
}

/** Rebuilds a reached CI's path from the start by following `from` back. */
function pathOf(rootId: string, id: string, seen: Map<string, Reached>): { path: string[]; relationshipTypes: string[] } {
  const path = [id];
  const relationshipTypes: string[] = [];
  for (let at = id; at !== rootId; ) {
    const r = seen.get(at)!;
    path.push(r.from);
    relationshipTypes.push(r.type);
    at = r.from;
  }
  return { path: path.reverse(), relationshipTypes: relationshipTypes.reverse() };
}

/**
 * Every CI reachable from `rootId` within `depth` hops, nearest first, each with the hop that
 * reached it; with `edges`, every relationship among the root and the reached CIs (one more
 * query); with `paths`, each item's full path.
 */
export async function traverse(db: DbOrTrx, rootId: string, direction: ImpactDirection, depth: number, options: ImpactOptions = {}): Promise<ImpactResult> {
  const q = queries(db);
  const { rootRow, seen, refs } = await reachFrom(db, q, rootId, direction, depth, options.sql ?? false);
  const ids = [...seen.keys()];
  const items: ImpactItem[] = [];
  for (const [id, r] of seen) {
    const ci = refs.get(id);
    if (!ci) continue; // deleted while we walked
    const item: ImpactItem = { ci, depth: r.depth, from: r.from, type: r.type };
    if (options.paths) Object.assign(item, pathOf(rootId, id, seen));
    items.push(item);
  }
  const result: ImpactResult = { root: toRef(rootRow), direction, depth, items: sortItems(items) };
  if (options.edges ?? true) {
    const edges: ImpactEdge[] = [];
    for (const r of await q.edges([rootId, ...ids])) {
      if (r.source_id === rootId || seen.has(r.source_id)) edges.push({ id: r.id, sourceId: r.source_id, targetId: r.target_id, type: r.type });
    }
    result.edges = edges;
  }
  return result;
}

const clampDepth = (depth: number) => Math.min(Math.max(depth, 1), MAX_DEPTH);

/** GET /cis/:id/impact. */
export async function ciImpact(db: Db, actor: Actor, id: string, direction: ImpactDirection = "downstream", depth = DEFAULT_DEPTH, options: ImpactOptions = {}): Promise<ImpactResult> {
  requirePermission(actor, "cmdb.read");
  return traverse(db, id, direction, clampDepth(depth), { edges: options.edges ?? false, paths: options.paths });
}

/**
 * The business services a CI's failure would impact. Their paths are answered by default:
 * the CIs in between are not among the items, so `from` alone would not lead back.
 */
export async function impactedServices(db: DbOrTrx, actor: Actor, id: string, depth = MAX_DEPTH, options: ImpactOptions = {}): Promise<ImpactResult> {
  requirePermission(actor, "cmdb.read");
  const { edges = false, paths = true } = options;
  const result = await traverse(db, id, "downstream", clampDepth(depth), { edges, paths });
  const services = new Set((await loadCatalog(db)).descendants(BUSINESS_SERVICE_CLASS));
  const items = result.items.filter((i) => services.has(i.ci.class));
  if (!result.edges) return { ...result, items };
  const kept = new Set([id, ...items.map((i) => i.ci.id)]);
  return { ...result, items, edges: result.edges.filter((e) => kept.has(e.sourceId) && kept.has(e.targetId)) };
}

/**
 * The business services a failure of `ciId` impacts, itself included when it is one, by name:
 * for other modules (no actor: they decide who may see it). Pass the database handle, not a
 * transaction, to walk the in-memory graph; unknown CIs impact nothing.
 */
export async function servicesImpactedBy(db: DbOrTrx, ciId: string, depth = MAX_DEPTH): Promise<Array<{ id: string; name: string }>> {
  let result: ImpactResult;
  try {
    result = await traverse(db, ciId, "downstream", clampDepth(depth), { edges: false });
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
  const services = new Set((await loadCatalog(db)).descendants(BUSINESS_SERVICE_CLASS));
  const found = [result.root, ...result.items.map((i) => i.ci)].filter((ci) => services.has(ci.class));
  return found.map((ci) => ({ id: ci.id, name: ci.name })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** What a service (or any CI) depends on: upstream traversal. */
export async function serviceDependencies(db: Db, actor: Actor, id: string, depth = DEFAULT_DEPTH, options: ImpactOptions = {}): Promise<ImpactResult> {
  requirePermission(actor, "cmdb.read");
  return traverse(db, id, "upstream", clampDepth(depth), { edges: options.edges ?? false, paths: options.paths });
}
