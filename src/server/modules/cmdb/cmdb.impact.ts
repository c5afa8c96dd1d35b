/**
 * Impact analysis: breadth-first over relationships, one query per depth level and direction
 * (`where target_id in (frontier)`), each CI visited once, so cycles end and every reached CI
 * carries the shortest path that connects it.
 */
import type { CiRef, ImpactEdge, ImpactItem, ImpactResult, RelationshipType } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { loadCatalog } from "./classes.service.js";
import { BUSINESS_SERVICE_CLASS } from "./cmdb.classes.js";
import { loadCi } from "./cis.records.js";
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

async function neighbours(db: DbOrTrx, frontier: string[], along: "toSource" | "toTarget", types: string[]) {
  if (!types.length) return [];
  const out: Array<{ from: string; to: string; type: string }> = [];
  for (let i = 0; i < frontier.length; i += CHUNK) {
    const chunk = frontier.slice(i, i + CHUNK);
    const rows =
      along === "toSource"
        ? await db.selectFrom("ci_relationships").select(["target_id as from", "source_id as to", "type"]).where("target_id", "in", chunk).where("type", "in", types).execute()
        : await db.selectFrom("ci_relationships").select(["source_id as from", "target_id as to", "type"]).where("source_id", "in", chunk).where("type", "in", types).execute();
    out.push(...rows);
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

/** Every relationship with both ends inside `ids` (read by source, filtered by target). */
async function edgesWithin(db: DbOrTrx, ids: Set<string>): Promise<ImpactEdge[]> {
  const all = [...ids];
  const out: ImpactEdge[] = [];
  for (let i = 0; i < all.length; i += CHUNK) {
    const rows = await db
      .selectFrom("ci_relationships")
      .select(["id", "source_id", "target_id", "type"])
      .where("source_id", "in", all.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) if (ids.has(r.target_id)) out.push({ id: r.id, sourceId: r.source_id, targetId: r.target_id, type: r.type });
  }
  return out;
}

/** Every CI reachable from `rootId` within `depth` hops, with depth and path. */
export async function traverse(db: DbOrTrx, rootId: string, direction: ImpactDirection, depth: number): Promise<ImpactResult> {
  const root = await loadCi(db, rootId);
  const { toSource, toTarget } = typeSets(await loadTypes(db), direction);
  const seen = new Map<string, Reached>([[rootId, { depth: 0, from: null, type: null }]]);
  let frontier = [rootId];
  for (let level = 1; level <= depth && frontier.length; level++) {
    const edges = [...(await neighbours(db, frontier, "toSource", toSource)), ...(await neighbours(db, frontier, "toTarget", toTarget))];
    const next: string[] = [];
    for (const e of edges) {
      if (seen.has(e.to)) continue;
      seen.set(e.to, { depth: level, from: e.from, type: e.type });
      next.push(e.to);
    }
    frontier = next;
  }
  const edges = await edgesWithin(db, new Set(seen.keys()));
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
  items.sort((a, b) => a.depth - b.depth || a.ci.name.localeCompare(b.ci.name));
  return {
    root: { id: root.id, name: root.name, class: root.class, operationalStatus: root.operationalStatus },
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
