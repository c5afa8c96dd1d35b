/**
 * What suppresses an alert right now: active silences (Alertmanager matchers) and maintenance
 * windows on its CI. Both are cached in memory for the ingest hot path; local changes clear the
 * cache at once, other nodes' changes show within a second.
 */
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import type { AmMatcher } from "../../../contract/index.js";
import { compileMatcher, matchesAll, type CompiledMatcher } from "./events.matchers.js";
import { traverse } from "../cmdb/index.js";

interface CachedSilence {
  id: string;
  startsAt: string;
  endsAt: string;
  matchers: CompiledMatcher[];
}

interface CachedWindow {
  id: string;
  startsAt: string;
  endsAt: string;
  /** The CI and what it covers (downstream; for services also upstream). */
  covers: Set<string>;
}

const TTL_MS = 1000;
const WINDOW_DEPTH = 3;
const SERVICE_CLASSES = new Set(["business_service", "technical_service", "application_service"]);

/** The maintenance id as it appears in an alert's silencedBy. */
export const maintenanceRef = (id: string) => `maintenance:${id}`;

export class Suppressor {
  #silences: CachedSilence[] = [];
  #windows: CachedWindow[] = [];
  #loadedAt = 0;
  #loading: Promise<void> | null = null;
  /** The next time a silence or window starts or ends: alerts must be re-evaluated then. */
  nextBoundary: string | null = null;

  /** Drops the cache (a silence or window changed here). */
  invalidate(): void {
    this.#loadedAt = 0;
  }

  /** Reloads when stale. */
  async ensure(db: DbOrTrx): Promise<void> {
    if (Date.now() - this.#loadedAt < TTL_MS) return;
    this.#loading ??= this.#load(db).finally(() => (this.#loading = null));
    await this.#loading;
  }

  async #load(db: DbOrTrx): Promise<void> {
    const now = new Date().toISOString();
    const silences = await db.selectFrom("silences").select(["id", "matchers", "starts_at", "ends_at"]).where("ends_at", ">", now).execute();
    const windows = await db.selectFrom("maintenance_windows as m").innerJoin("cis as c", "c.id", "m.ci_id").select(["m.id", "m.ci_id", "m.starts_at", "m.ends_at", "c.class"]).where("m.ends_at", ">", now).execute();
    const cached: CachedWindow[] = [];
    for (const w of windows) {
      const covers = new Set([w.ci_id]);
      const down = await traverse(db, w.ci_id, "downstream", WINDOW_DEPTH, { edges: false }).catch(() => null);
      down?.items.forEach((i) => covers.add(i.ci.id));
      if (SERVICE_CLASSES.has(w.class)) {
        const up = await traverse(db, w.ci_id, "upstream", WINDOW_DEPTH, { edges: false }).catch(() => null);
        up?.items.forEach((i) => covers.add(i.ci.id));
      }
      cached.push({ id: w.id, startsAt: w.starts_at, endsAt: w.ends_at, covers });
    }
    this.#silences = silences.map((s) => ({ id: s.id, startsAt: s.starts_at, endsAt: s.ends_at, matchers: (JSON.parse(s.matchers) as AmMatcher[]).map((m) => compileMatcher(m)) }));
    this.#windows = cached;
    const boundaries = [...silences.map((s) => [s.starts_at, s.ends_at]), ...windows.map((w) => [w.starts_at, w.ends_at])].flat().filter((t) => t > now).sort();
    this.nextBoundary = boundaries[0] ?? null;
    this.#loadedAt = Date.now();
  }

  /** Ids of the silences and maintenance windows suppressing an alert at `now` (ISO). */
  suppressing(labels: Record<string, string>, ciId: string | null, now: string): string[] {
    const out: string[] = [];
    for (const s of this.#silences) if (s.startsAt <= now && s.endsAt > now && matchesAll(s.matchers, labels)) out.push(s.id);
    if (ciId) for (const w of this.#windows) if (w.startsAt <= now && w.endsAt > now && w.covers.has(ciId)) out.push(maintenanceRef(w.id));
    return out;
  }

  /** True when there is nothing that could suppress anything (the hot path skips the work). */
  get empty(): boolean {
    return this.#silences.length === 0 && this.#windows.length === 0;
  }
}

/** Loads a fresh suppressor (for one-off evaluations outside the engine). */
export async function loadSuppressor(db: Db): Promise<Suppressor> {
  const s = new Suppressor();
  await s.ensure(db);
  return s;
}
