import type { CiRef, CiRelationship, ImpactResult, RelationshipType } from "../../../api/types";

/** A CI on the map. */
export interface MapNode {
  ci: CiRef;
  /** Hops from the map's root; null for CIs added by expanding a node. */
  depth: number | null;
  /** The node whose expansion brought this one in; null for the root and the traversal. */
  addedBy: string | null;
}

/** A relationship on the map, always drawn source → target as stored. */
export interface MapEdge {
  key: string;
  source: string;
  target: string;
  type: string;
  label: string;
  /** From a traversal of a two-way type: the stored direction is not known. */
}

export interface MapModel {
  rootId: string;
  nodes: Map<string, MapNode>;
  edges: Map<string, MapEdge>;
  /** Nodes whose neighbours were loaded. */
  expanded: Set<string>;
}

export type Traversal = "upstream" | "downstream";

const edgeKey = (source: string, type: string, target: string) => `${source}|${type}|${target}`;

/** Builds the map from an impact/dependency traversal: its CIs and every relationship among them. */
export function fromTraversal(result: ImpactResult, types: Map<string, RelationshipType>): MapModel {
  const nodes = new Map<string, MapNode>([[result.root.id, { ci: result.root, depth: 0, addedBy: null }]]);
  const edges = new Map<string, MapEdge>();
  for (const item of result.items) nodes.set(item.ci.id, { ci: item.ci, depth: item.depth, addedBy: null });
  for (const e of result.edges ?? []) {
    const key = edgeKey(e.sourceId, e.type, e.targetId);
    edges.set(key, { key, source: e.sourceId, target: e.targetId, type: e.type, label: types.get(e.type)?.label ?? e.type });
  }
  return { rootId: result.root.id, nodes, edges, expanded: new Set() };
}

/** Adds the exact relationships of one CI; with `addNodes`, also the CIs at their other ends. */
export function withRelationships(model: MapModel, ciId: string, relationships: CiRelationship[], types: Map<string, RelationshipType>, addNodes: boolean): MapModel {
  const nodes = new Map(model.nodes);
  const edges = new Map(model.edges);
  for (const rel of relationships) {
    if (!nodes.has(rel.ci.id)) {
      if (!addNodes) continue;
      nodes.set(rel.ci.id, { ci: rel.ci, depth: null, addedBy: ciId });
    }
    const source = rel.direction === "outgoing" ? ciId : rel.ci.id;
    const target = rel.direction === "outgoing" ? rel.ci.id : ciId;
    const key = edgeKey(source, rel.type, target);
    edges.set(key, { key, source, target, type: rel.type, label: types.get(rel.type)?.label ?? rel.type });
  }
  const expanded = new Set(model.expanded);
  if (addNodes) expanded.add(ciId);
  return { ...model, nodes, edges, expanded };
}

/** Removes the CIs an expansion brought in (and what they brought in), and their edges. */
export function collapse(model: MapModel, ciId: string): MapModel {
  const nodes = new Map(model.nodes);
  const expanded = new Set(model.expanded);
  expanded.delete(ciId);
  const queue = [ciId];
  while (queue.length) {
    const current = queue.shift()!;
    for (const [id, node] of nodes) {
      if (node.addedBy === current && id !== model.rootId) {
        nodes.delete(id);
        expanded.delete(id);
        queue.push(id);
      }
    }
  }
  const edges = new Map([...model.edges].filter(([, edge]) => nodes.has(edge.source) && nodes.has(edge.target)));
  return { ...model, nodes, edges, expanded };
}

/** Whether expanding this node added any CI that could be hidden again. */
export function canCollapse(model: MapModel, ciId: string): boolean {
  for (const node of model.nodes.values()) if (node.addedBy === ciId) return true;
  return false;
}
