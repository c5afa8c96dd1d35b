/**
 * Impact analysis: breadth-first over relationships, two queries per depth level
 * (`where target_id in (frontier)`, `where source_id in (frontier) and type in (...)`), each
 * CI visited once, so cycles end and every reached CI carries the shortest path that connects it.
 */
import type { CiRef, ImpactEdge, ImpactItem, ImpactResult, RelationshipType } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { loadCatalog } from "./classes.service.js";
import { BUSINESS_SERVICE_CLASS } from "./cmdb.classes.js";
import { ciNotFound } from "./cis.records.js";
import { loadTypes } from "./relationships.service.js";

export type ImpactDirection = "downstream" | "upstream";

/** Keeps each `in (...)` list well below both dialects' bound-parameter limits. */
const CHUNK = 2000;
export const DEFAULT_DEPTH = 6;
export const MAX_DEPTH = 10;

interface Reached {
  depth: number;
  from: string | null;
  type: string | null;
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

type EdgeRow = { id: string; source_id: string; target_id: string; type: string };

/** Every relationship into `ids`, whatever its type: it extends the walk or ends up in `edges`. */
async function incoming(db: DbOrTrx, ids: string[]): Promise<EdgeRow[]> {
  const out: EdgeRow[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    out.push(...(await db.selectFrom("ci_relationships").select(["id", "source_id", "target_id", "type"]).where("target_id", "in", ids.slice(i, i + CHUNK)).execute()));
  }
  return out;
}

/** Relationships of the given types out of `ids` (the unique index covers them). */
async function outgoing(db: DbOrTrx, ids: string[], types: string[]) {
  if (!types.length) return [];
  const out: Array<{ source_id: string; target_id: string; type: string }> = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    out.push(...(await db.selectFrom("ci_relationships").select(["source_id", "target_id", "type"]).where("source_id", "in", ids.slice(i, i + CHUNK)).where("type", "in", types).execute()));
  }
  return out;
}

async function refs(db: DbOrTrx, ids: string[]): Promise<Map<string, CiRef>> {
  const out = new Map<string, CiRef>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db.selectFrom("cis").select(["id", "name", "class", "operational_status"]).where("id", "in", ids.slice(i, i + CHUNK)).execute();
    for (const r of rows) out.set(r.id, { id: r.id, name: r.name, class: r.class, operationalStatus: r.operational_status as CiRef["operationalStatus"] });
  }
  return out;
}

// The default collation, built once (String#localeCompare compares the same way).
const byName = new Intl.Collator();

/**
 * Every CI reachable from `rootId` within `depth` hops, with depth and path, and every
 * relationship among them. Each level reads all relationships into the frontier: those of
 * impacting types extend the walk, and all of them are kept, so the relationships among the
 * reached CIs need no query of their own (only those into CIs left at the depth limit).
 */
export async function traverse(db: DbOrTrx, rootId: string, direction: ImpactDirection, depth: number): Promise<ImpactResult> {
  // Only the root's reference is answered, so its identifiers are not read.
  const root = (await refs(db, [rootId])).get(rootId);
  if (!root) throw ciNotFound(rootId);
  const types = typeSets(await loadTypes(db), direction);
  const toSource = new Set(types.toSource);
  const seen = new Map<string, Reached>([[rootId, { depth: 0, from: null, type: null }]]);
  const into = new Map<string, EdgeRow>(); // relationships into reached CIs, by id
  let frontier = [rootId];
  for (let level = 1; level <= depth && frontier.length; level++) {
    const next: string[] = [];
    const reach = (to: string, from: string, type: string) => {
      if (seen.has(to)) return;
      seen.set(to, { depth: level, from, type });
      next.push(to);
    };
    for (const r of await incoming(db, frontier)) {
      into.set(r.id, r);
      if (toSource.has(r.type)) reach(r.source_id, r.target_id, r.type);
    }
    for (const r of await outgoing(db, frontier, types.toTarget)) reach(r.target_id, r.source_id, r.type);
    frontier = next;
  }
  // A frontier left by the depth limit was never expanded: read what leads into it too.
  if (frontier.length) for (const r of await incoming(db, frontier)) into.set(r.id, r);
  const edges: ImpactEdge[] = [];
  for (const r of into.values()) if (seen.has(r.source_id)) edges.push({ id: r.id, sourceId: r.source_id, targetId: r.target_id, type: r.type });
  seen.delete(rootId);
  const ciRefs = await refs(db, [...seen.keys()]);
  const items: ImpactItem[] = [];
  for (const [id, reached] of seen) {
    const path = [id];
    const relationshipTypes: string[] = [];
    for (let r: Reached | undefined = reached; r && r.from; r = seen.get(r.from)) {
      path.unshift(r.from);
      relationshipTypes.unshift(r.type!);
    }
    items.push({ ci: ciRefs.get(id)!, depth: reached.depth, path, relationshipTypes });
  }
  items.sort((a, b) => a.depth - b.depth || byName.compare(a.ci.name, b.ci.name));
  return {
    root,
    direction,
    depth,
    items,
    edges,
  };
}

/** GET /cis/:id/impact. */
export async function ciImpact(db: Db, actor: Actor, id: string, direction: ImpactDirection = "downstream", depth = DEFAULT_DEPTH): Promise<ImpactResult> {
  requirePermission(actor, "cmdb.read");
  return traverse(db, id, direction, Math.min(Math.max(depth, 1), MAX_DEPTH));
}

/** The business services a CI's failure would impact. */
export async function impactedServices(db: Db, actor: Actor, id: string, depth = MAX_DEPTH): Promise<ImpactResult> {
  requirePermission(actor, "cmdb.read");
  const result = await traverse(db, id, "downstream", Math.min(Math.max(depth, 1), MAX_DEPTH));
  const services = new Set((await loadCatalog(db)).descendants(BUSINESS_SERVICE_CLASS));
  const items = result.items.filter((i) => services.has(i.ci.class));
  const kept = new Set([id, ...items.map((i) => i.ci.id)]);
  return { ...result, items, edges: result.edges.filter((e) => kept.has(e.sourceId) && kept.has(e.targetId)) };
}

/** What a service (or any CI) depends on: upstream traversal. */
export async function serviceDependencies(db: Db, actor: Actor, id: string, depth = DEFAULT_DEPTH): Promise<ImpactResult> {
  requirePermission(actor, "cmdb.read");
  return traverse(db, id, "upstream", Math.min(Math.max(depth, 1), MAX_DEPTH));
}
