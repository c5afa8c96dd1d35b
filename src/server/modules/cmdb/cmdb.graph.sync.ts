/**
 * Keeps one in-memory relationship graph per database handle in step with the database, for
 * impact walks (cmdb.graph.ts holds the graph itself).
 *
 * - Built lazily, on the first walk that asks, in chunks of rows with the event loop free in
 *   between; until it is ready (and while a rebuild runs) walks use SQL.
 * - Before every walk, the rows of the relationship log (0015) past the last one applied are
 *   read in one indexed range read and applied, so a link written by any process or node is
 *   seen by the next walk that starts after its commit. Concurrent walks share one read.
 * - SQLite commits one writer at a time, so log rows become visible in seq order. PostgreSQL
 *   draws seq values before commit, so a lower one can appear after a higher one: the reader
 *   re-reads from `safe`, the highest seq below which nothing can still appear, and skips rows
 *   it applied already. After a read at snapshot S that saw rows up to m, every row below m
 *   not yet visible belongs to a transaction that held its xid before S (its xid was taken at
 *   its first write, before its seq), so once a later snapshot's xmin reaches S's xmax, all of
 *   them have ended and `safe` may become m.
 * - Behind by more than BEHIND rows, or behind the rows the prune job removed: rebuild.
 * - The fields an answer shows of each reached CI (name, class, operational status) are read
 *   for every CI of the graph while it is built (up to PREFILL_MAX), and kept for the CIs walks
 *   reach later, dropped when the log says the CI changed ('*'). A row read while such a change
 *   is applied is not kept, so no answer shows a change older than its walk. A walk to CIs
 *   nobody walked to lately thus reads no row: at a million CIs, reading a thousand rows was
 *   most of a walk's time (bench/RESULTS.md, 2026-12-07).
 */
import { CompiledQuery } from "kysely";
import type { RelationshipType } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { ImpactGraph } from "./cmdb.graph.js";
import { loadTypes } from "./relationships.service.js";

/** Rows per read while building: a few milliseconds of the event loop each on SQLite, whose reads block it. */
const CHUNK = 5_000;
/** Log rows past which rebuilding is cheaper than replaying them one by one. */
const BEHIND = 50_000;
/** Log rows the prune job keeps: a node that has been idle for fewer changes catches up from the log. */
export const LOG_KEEP = 100_000;
/** How long a PostgreSQL build waits for transactions that were open when it started. */
const SETTLE_MS = 60_000;

/** The fields of a reached CI an impact answer shows. */
export type CiRow = { id: string; name: string; class: string; operational_status: string };
/** Rows kept at most of CIs the graph does not number (a root without links); past it they are dropped and read again. */
const ROWS_KEPT = 300_000;
/**
 * CI rows a build reads at most: every CI of the graph up to a few million. A graph CI's row
 * is kept as its name and one number (class and status), by the CI's number in the graph:
 * ~60 bytes a CI, ~60 MB at a million (as objects in a map keyed by id, 130).
 */
const PREFILL_MAX = 3_000_000;

/** Distinct strings (classes, statuses), each numbered once. */
class Values {
  readonly #list: string[] = [];
  readonly #index = new Map<string, number>();

  of(value: string): number {
    let i = this.#index.get(value);
    if (i === undefined) {
      i = this.#list.length;
      this.#list.push(value);
      this.#index.set(value, i);
    }
    return i;
  }

  at(i: number): string {
    return this.#list[i];
  }
}

/**
 * The rows kept: those of CIs the graph numbers in arrays indexed by that number, the others
 * (rarely more than a few roots without links) in a map. Rebuilt graphs number CIs anew, so
 * the store belongs to the graph it was made for.
 */
class KeptRows {
  #graph: ImpactGraph | null = null;
  #names: Array<string | undefined> = [];
  /** Per CI number: class index * 256 + status index. */
  #meta: number[] = [];
  #count = 0;
  readonly #classes = new Values();
  readonly #statuses = new Values();
  readonly #other = new Map<string, CiRow>();

  get size(): number {
    return this.#count + this.#other.size;
  }

  /** Rows of CIs `graph` numbers are kept by their number (none without a graph). */
  constructor(graph: ImpactGraph | null = null) {
    this.#graph = graph;
  }

  get(id: string): CiRow | undefined {
    const n = this.#graph?.find(id);
    const name = n === undefined ? undefined : this.#names[n];
    if (n === undefined || name === undefined) return this.#other.get(id);
    const meta = this.#meta[n];
    return { id: this.#graph!.ids[n], name, class: this.#classes.at(meta >>> 8), operational_status: this.#statuses.at(meta & 255) };
  }

  set(row: CiRow): void {
    const n = this.#graph?.find(row.id);
    const status = this.#statuses.of(row.operational_status);
    const cls = this.#classes.of(row.class);
    // Past 256 statuses or 2^22 classes (neither happens) the row goes to the map too.
    if (n === undefined || status > 255 || cls >= 1 << 22) {
      if (this.#other.size >= ROWS_KEPT) this.#other.clear();
      this.#other.set(row.id, row);
      return;
    }
    while (this.#names.length < n) {
      this.#names.push(undefined);
      this.#meta.push(0);
    }
    if (this.#names[n] === undefined) this.#count++;
    this.#names[n] = row.name;
    this.#meta[n] = cls * 256 + status;
  }

  delete(id: string): void {
    this.#other.delete(id);
    const n = this.#graph?.find(id);
    if (n !== undefined && this.#names[n] !== undefined) {
      this.#names[n] = undefined;
      this.#count--;
    }
  }
}

type LogRow = { seq: number | null; op: "+" | "-" | "*" | null; source_id: string; type: string; target_id: string; xmin?: number; xmax?: number };
type ChunkRow = { k: string | number; source_id: string; type: string; target_id: string };
type CiChunkRow = CiRow & { k: string | number };

const SQLITE = {
  log: `select below as seq, null as op, null as source_id, null as type, null as target_id from ci_relationship_log_pruned
    union all
    select * from (select seq, op, source_id, type, target_id from ci_relationship_log where seq > ? order by seq limit ?)`,
  start: "select coalesce(max(seq), 0) as seq from ci_relationship_log",
  chunk: "select rowid as k, source_id, type, target_id from ci_relationships where rowid > ? order by rowid limit ?",
  cis: "select rowid as k, id, name, class, operational_status from cis where rowid > ? order by rowid limit ?",
};
// Every part of one statement reads the same snapshot, so xmin and xmax describe the rows read.
const POSTGRES = {
  log: `select (select below from ci_relationship_log_pruned) as seq, null as op, null as source_id, null as type, null as target_id,
      pg_snapshot_xmin(pg_current_snapshot())::text::bigint as xmin, pg_snapshot_xmax(pg_current_snapshot())::text::bigint as xmax
    union all
    (select seq, op, source_id, type, target_id, null, null from ci_relationship_log where seq > $1 order by seq limit $2)`,
  start: "select coalesce(max(seq), 0) as seq, pg_snapshot_xmax(pg_current_snapshot())::text::bigint as xmax from ci_relationship_log",
  xmin: "select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as xmin",
  chunk: "select id as k, source_id, type, target_id from ci_relationships where id > $1 order by id limit $2",
  cis: "select id as k, id, name, class, operational_status from cis where id > $1 order by id limit $2",
};

const run = async <R>(db: DbOrTrx, text: string, parameters: unknown[]): Promise<R[]> => (await db.executeQuery<R>(CompiledQuery.raw(text, parameters))).rows;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What the graph of one database handle is doing, for the status endpoint and the bench. */
export interface GraphStatus {
  state: "none" | "building" | "ready";
  cis: number;
  relationships: number;
  bytes: number;
  buildMs: number | null;
  builds: number;
  /** Catch-up reads of the relationship log made so far. */
  logReads: number;
  /** CI rows kept (read by the build, or by walks since), and rows walks had to read. */
  rowsKept: number;
  rowsRead: number;
  lastError: string | null;
}

class GraphCache {
  graph: ImpactGraph | null = null;
  building: Promise<void> | null = null;
  /** Every log row at or below this seq is in the graph. */
  safe = 0;
  /** Rows above `safe` applied already (PostgreSQL only). */
  readonly applied = new Set<number>();
  /** Reads whose rows become `safe` once xmin reaches their xmax. */
  pending: Array<{ xmax: number; seq: number }> = [];
  running: Promise<void> | null = null;
  /** The running read has not sent its statement yet: a caller may still share it. */
  unsent = false;
  queued: Promise<void> | null = null;
  /** Log reads made (catch-ups), for the status endpoint and tests. */
  reads = 0;
  types: Map<string, RelationshipType> | null = null;
  buildMs: number | null = null;
  builds = 0;
  lastError: string | null = null;
  /** CI rows kept; `epoch` counts changes applied, `touched` when each id changed while rows were being read. */
  rows = new KeptRows();
  /** Rows walks read because they were not kept (status, tests). */
  rowsRead = 0;
  epoch = 0;
  resetEpoch = 0;
  reading = 0;
  readonly touched = new Map<string, number>();

  /** A CI's row changed: drop it, and refuse it from reads already under way. */
  invalidate(id: string): void {
    this.epoch++;
    this.rows.delete(id);
    if (this.reading) this.touched.set(id, this.epoch);
  }

  /** The log may have been missed (rebuild, failed read): no kept row can be trusted. A build brings the rows it read. */
  reset(rows: KeptRows = new KeptRows()): void {
    this.rows = rows;
    this.resetEpoch = ++this.epoch;
  }
}

const caches = new WeakMap<object, GraphCache>();

function cacheOf(db: Db): GraphCache {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new GraphCache()));
  return c;
}

/**
 * The graph in step with every commit made before this call, or null when the walk should use
 * SQL: inside a transaction (its own uncommitted links are not in the log's committed view),
 * and while the graph is being built.
 */
export async function currentGraph(db: DbOrTrx): Promise<{ graph: ImpactGraph; types: Map<string, RelationshipType> } | null> {
  if (db.isTransaction) return null;
  const c = cacheOf(db as Db);
  if (!c.graph) {
    startBuild(db as Db, c);
    return null;
  }
  await sync(db as Db, c);
  const graph = c.graph;
  if (!graph) return null;
  // Types are only ever added: reload when the graph holds one this node has not seen.
  if (!c.types || graph.types.some((t) => !c.types!.has(t))) c.types = await loadTypes(db);
  return { graph, types: c.types };
}

/**
 * The rows of `ids` (those a walk on `currentGraph` reached, read after it), from memory when
 * kept, the others through `read` in one call, then kept unless they changed meanwhile.
 */
export async function ciRows(db: Db, ids: string[], read: (missing: string[]) => Promise<CiRow[]>): Promise<Map<string, CiRow>> {
  const c = cacheOf(db);
  const found = new Map<string, CiRow>();
  const missing: string[] = [];
  for (const id of ids) {
    const row = c.rows.get(id);
    if (row) found.set(id, row);
    else missing.push(id);
  }
  if (!missing.length) return found;
  const began = c.epoch;
  c.reading++;
  try {
    const rows = await read(missing);
    c.rowsRead += rows.length;
    const keep = began >= c.resetEpoch;
    for (const row of rows) {
      found.set(row.id, row);
      if (keep && !((c.touched.get(row.id) ?? 0) > began)) c.rows.set(row);
    }
  } finally {
    if (--c.reading === 0) c.touched.clear();
  }
  return found;
}

/** The state of the graph kept for this database handle. */
export function graphStatus(db: Db): GraphStatus {
  const c = caches.get(db);
  const g = c?.graph;
  return {
    state: g ? "ready" : c?.building ? "building" : "none",
    cis: g?.ids.length ?? 0,
    relationships: g?.edgeCount ?? 0,
    bytes: g?.bytes ?? 0,
    buildMs: c?.buildMs ?? null,
    builds: c?.builds ?? 0,
    logReads: c?.reads ?? 0,
    rowsKept: c?.rows.size ?? 0,
    rowsRead: c?.rowsRead ?? 0,
    lastError: c?.lastError ?? null,
  };
}

/** Starts building the graph of this handle in the background unless ready or under way; resolves when done. */
export function warmGraph(db: Db): Promise<void> {
  const c = cacheOf(db);
  if (c.graph) return Promise.resolve();
  return startBuild(db, c);
}

function startBuild(db: Db, c: GraphCache): Promise<void> {
  c.building ??= build(db, c)
    .catch((err: unknown) => {
      c.lastError = err instanceof Error ? err.message : String(err);
    })
    .finally(() => {
      c.building = null;
    });
  return c.building;
}

async function build(db: Db, c: GraphCache): Promise<void> {
  const began = performance.now();
  const pg = isPostgres(db);
  const from = pg ? await settledStart(db) : (await run<{ seq: number }>(db, SQLITE.start, []))[0].seq;
  const graph = new ImpactGraph();
  await inChunks<ChunkRow>(db, pg ? POSTGRES.chunk : SQLITE.chunk, pg, (rows) => {
    for (const r of rows) graph.load(r.source_id, r.type, r.target_id);
    return true;
  });
  graph.seal();
  // The rows of the graph's CIs (at most PREFILL_MAX), read after `from` like the links: a CI
  // changed since is in the log past it, and the first sync drops its row as it replays the log.
  const kept = new KeptRows(graph);
  await inChunks<CiChunkRow>(db, pg ? POSTGRES.cis : SQLITE.cis, pg, (rows) => {
    for (const r of rows) if (graph.find(r.id) !== undefined) kept.set(r);
    return kept.size < PREFILL_MAX;
  });
  c.reset(kept);
  // Links written while the rows were read are in the log past `from`: the first sync replays them.
  c.safe = from;
  c.applied.clear();
  c.pending = [];
  c.graph = graph;
  c.builds++;
  c.lastError = null;
  c.buildMs = Math.round(performance.now() - began);
}

/**
 * Reads a table in key order, CHUNK rows per statement (`text` takes the last key seen and the
 * chunk size), with the event loop free in between; `visit` returns false to stop early.
 */
async function inChunks<R extends { k: string | number }>(db: Db, text: string, pg: boolean, visit: (rows: R[]) => boolean): Promise<void> {
  let key: string | number = pg ? "" : 0;
  for (;;) {
    const rows = await run<R>(db, text, [key, CHUNK]);
    if (!visit(rows) || rows.length < CHUNK) return;
    key = rows[rows.length - 1].k;
    await tick();
  }
}

/**
 * PostgreSQL: the highest seq visible now, returned once every transaction open now has
 * ended, so that no row at or below it can appear after the rows are read.
 */
async function settledStart(db: Db): Promise<number> {
  const [{ seq, xmax }] = await run<{ seq: number; xmax: number }>(db, POSTGRES.start, []);
  const deadline = Date.now() + SETTLE_MS;
  while ((await run<{ xmin: number }>(db, POSTGRES.xmin, []))[0].xmin < xmax) {
    if (Date.now() > deadline) throw new Error("impact graph: transactions open for over a minute; walks use SQL until they end");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return seq;
}

/**
 * One log read at a time per handle; a caller arriving during a read waits for the next one,
 * which starts after its call. A caller arriving before the read's statement can have run (no
 * microtask has run since the read began: a query is sent at least one microtask later) shares
 * it: the read then sees every commit made before that caller's call. The walks of one batch
 * of creations start in one turn, and shared one read instead of queueing a second.
 */
function sync(db: Db, c: GraphCache): Promise<void> {
  if (c.running && c.unsent) return c.running;
  if (c.queued) return c.queued;
  if (c.running) {
    c.queued = c.running.then(() => {
      c.queued = null;
      return startSync(db, c);
    });
    return c.queued;
  }
  return startSync(db, c);
}

function startSync(db: Db, c: GraphCache): Promise<void> {
  // Queued before the read's own continuations, so it runs before the statement can be sent.
  c.unsent = true;
  queueMicrotask(() => (c.unsent = false));
  c.reads++;
  c.running = applyLog(db, c)
    .catch((err: unknown) => {
      // A graph that may have missed a change is dropped; walks use SQL until it is rebuilt.
      c.graph = null;
      c.reset();
      c.lastError = err instanceof Error ? err.message : String(err);
    })
    .finally(() => {
      c.running = null;
    });
  return c.running;
}

async function applyLog(db: Db, c: GraphCache): Promise<void> {
  const graph = c.graph;
  if (!graph) return;
  const pg = isPostgres(db);
  const rows = await run<LogRow>(db, pg ? POSTGRES.log : SQLITE.log, [c.safe, BEHIND + 1]);
  const head = rows.find((r) => r.op === null)!;
  const changes = rows.filter((r) => r.op !== null);
  // Rows just past `safe` were pruned (head.seq: the prune job's bound), or too many to replay: read the table again.
  if (head.seq! > c.safe + 1 || changes.length > BEHIND) {
    c.graph = null;
    c.reset();
    startBuild(db, c);
    return;
  }
  let seen = c.safe;
  for (const r of changes) {
    const seq = r.seq!;
    if (seq > seen) seen = seq;
    if (c.applied.has(seq)) continue;
    if (r.op === "+") graph.add(r.source_id, r.type, r.target_id);
    else if (r.op === "-") graph.remove(r.source_id, r.type, r.target_id);
    else c.invalidate(r.source_id);
    if (pg) c.applied.add(seq);
  }
  if (!pg) {
    c.safe = seen;
  } else {
    settle(c, seen, head.xmin!, head.xmax!);
  }
  if (graph.wantsCompaction) graph.compact();
}

/** PostgreSQL: records this read and moves `safe` past every earlier read whose writers have all ended. */
function settle(c: GraphCache, seen: number, xmin: number, xmax: number): void {
  const last = c.pending[c.pending.length - 1];
  if (last && last.xmax === xmax) last.seq = seen;
  else c.pending.push({ xmax, seq: seen });
  // Dropping entries only delays `safe`; keep the list short while a long transaction runs.
  if (c.pending.length > 64) c.pending = c.pending.filter((_, i) => i % 2 === 1);
  while (c.pending.length && c.pending[0].xmax <= xmin) c.safe = Math.max(c.safe, c.pending.shift()!.seq);
  for (const seq of c.applied) if (seq <= c.safe) c.applied.delete(seq);
}

/** Deletes old relationship log rows in small batches, keeping the newest `keep`; returns how many. */
export async function pruneRelationshipLog(db: Db, keep = LOG_KEEP): Promise<number> {
  const [{ seq: newest }] = await run<{ seq: number | null }>(db, "select max(seq) as seq from ci_relationship_log", []);
  if (newest === null) return 0;
  const below = newest - Math.max(1, keep) + 1;
  if (below <= 1) return 0;
  const pg = isPostgres(db);
  // The bound is committed before any row goes, so that a reader never misses a row unawares.
  await db.updateTable("ci_relationship_log_pruned").set({ below }).where("id", "=", 1).where("below", "<", below).execute();
  const text = pg
    ? "delete from ci_relationship_log where seq in (select seq from ci_relationship_log where seq < $1 order by seq limit $2)"
    : "delete from ci_relationship_log where seq in (select seq from ci_relationship_log where seq < ? order by seq limit ?)";
  let total = 0;
  for (;;) {
    const result = await db.executeQuery(CompiledQuery.raw(text, [below, CHUNK]));
    const n = Number(result.numAffectedRows ?? 0);
    total += n;
    if (n < CHUNK) return total;
    await tick();
  }
}
