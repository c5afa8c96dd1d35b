/**
 * What the CMDB says about CIs, for correlation: which CIs are connected to a CI (within a few
 * hops, either way) and which are downstream of it (its failure impacts them). Cached for a
 * minute: topology changes slowly and correlation asks about the same CIs again and again.
 */
import type { DbOrTrx } from "../../platform/db/schema.js";
import { traverse } from "../cmdb/index.js";

const TTL_MS = 60_000;
const MAX_ENTRIES = 20_000;

interface Entry {
  at: number;
  depth: number;
  downstream: Set<string>;
  upstream: Set<string>;
  /** Relationship edges seen on the way: [source, type, target]. */
  edges: Array<[string, string, string]>;
}

export class Topology {
  readonly #cache = new Map<string, Entry>();

  clear(): void {
    this.#cache.clear();
  }

  async #entry(db: DbOrTrx, ciId: string, depth: number): Promise<Entry> {
    const hit = this.#cache.get(ciId);
    if (hit && hit.depth === depth && Date.now() - hit.at < TTL_MS) return hit;
    if (this.#cache.size > MAX_ENTRIES) this.#cache.clear();
    const down = await traverse(db, ciId, "downstream", depth).catch(() => null);
    const up = await traverse(db, ciId, "upstream", depth).catch(() => null);
    const edges = new Map<string, [string, string, string]>();
    for (const e of [...(down?.edges ?? []), ...(up?.edges ?? [])]) edges.set(e.id, [e.sourceId, e.type, e.targetId]);
    const entry: Entry = {
      at: Date.now(),
      depth,
      downstream: new Set(down?.items.map((i) => i.ci.id) ?? []),
      upstream: new Set(up?.items.map((i) => i.ci.id) ?? []),
      edges: [...edges.values()],
    };
    this.#cache.set(ciId, entry);
    return entry;
  }

  /** The CI and every CI within `depth` hops upstream or downstream of it. */
  async connected(db: DbOrTrx, ciId: string, depth: number): Promise<Set<string>> {
    const e = await this.#entry(db, ciId, depth);
    return new Set([ciId, ...e.downstream, ...e.upstream]);
  }

  /** CIs a failure of `ciId` impacts, within `depth` hops. */
  async downstream(db: DbOrTrx, ciId: string, depth: number): Promise<Set<string>> {
    return (await this.#entry(db, ciId, depth)).downstream;
  }

  /** Relationships among the given CIs that the cached walks saw. */
  async edgesAmong(db: DbOrTrx, ciIds: string[], depth: number): Promise<Array<{ sourceId: string; type: string; targetId: string }>> {
    const set = new Set(ciIds);
    const seen = new Map<string, { sourceId: string; type: string; targetId: string }>();
    for (const id of ciIds) {
      for (const [s, t, d] of (await this.#entry(db, id, depth)).edges) {
        if (set.has(s) && set.has(d)) seen.set(`${s}|${t}|${d}`, { sourceId: s, type: t, targetId: d });
      }
    }
    return [...seen.values()];
  }
}

/**
 * The probable root cause among CIs: the one whose failure impacts most of the others (the
 * most upstream); ties go to `current` if it is among them, else to the first listed.
 */
export async function rootCause(topology: Topology, db: DbOrTrx, ciIds: string[], depth: number, current: string | null): Promise<string | null> {
  if (!ciIds.length) return null;
  if (ciIds.length === 1) return ciIds[0];
  let best: string[] = [];
  let bestScore = -1;
  for (const id of ciIds) {
    const down = await topology.downstream(db, id, depth + 1);
    let score = 0;
    for (const other of ciIds) if (other !== id && down.has(other)) score++;
    if (score > bestScore) {
      bestScore = score;
      best = [id];
    } else if (score === bestScore) best.push(id);
  }
  return current && best.includes(current) ? current : best[0];
}
