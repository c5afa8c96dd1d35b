/**
 * How SQLite reads a CI list sorted by name. The class and environment indexes hold their
 * value alone (0022), like the status indexes (0021), so that new CIs append to them; only the
 * name index is in name order. A filtered list sorted by name then has two ways: walk the name
 * index and keep the CIs that pass the filters (cheap when they are common: VMs are a third of
 * the CMDB, a page of 50 is found in ~150 rows), or read the filter's CIs from its index and
 * sort them (cheap when they are rare: a thousand storage arrays among a million CIs). SQLite's
 * planner prices a sort without its LIMIT and reads and sorts all 300,000 VMs; so the list
 * estimates how many CIs pass its filters from the counts per value that ANALYZE leaves in
 * sqlite_stat4 (the values a list filters on are few, and each common one is sampled with its
 * count) and, when walking reads fewer rows than sorting, turns the filters' index use off
 * (`+column`: SQLite's own way to say "not through an index"). The name index holds the
 * columns these filters test (0022), so the walk reads the table row of a CI only when it
 * passes. PostgreSQL's planner weighs the LIMIT itself.
 */
import { sql } from "kysely";
import type { Db } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";

/** A list filter that an index answers: its column and the values it accepts. */
export interface ListFilter {
  column: "class" | "environment" | "lifecycle_status" | "operational_status" | "support_group_id" | "owner_group_id";
  values: Array<string | null>;
}

const INDEX_OF: Record<ListFilter["column"], string> = {
  class: "cis_class_idx",
  environment: "cis_environment_idx",
  lifecycle_status: "cis_lifecycle_idx",
  operational_status: "cis_operational_idx",
  support_group_id: "cis_support_group_idx",
  owner_group_id: "cis_owner_group_idx",
};

/** What ANALYZE saw: the CIs then, and per index the CIs of each sampled first-column value. */
export interface SampledCounts {
  rows: number;
  byIndex: Map<string, Map<string | null, number>>;
}

// Statistics change when a bulk load doubles the CMDB (cmdb.stats.ts); a minute-old copy is as good.
const TTL_MS = 60_000;
const cached = new WeakMap<Db, { at: number; value: SampledCounts | null }>();

function varint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    const b = bytes[at + i];
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) return [value, at + i + 1];
  }
  return [value, at + 9];
}

/** The first column of a stat4 sample (an SQLite record): text or null; undefined for other types. */
export function firstValue(sample: Uint8Array): string | null | undefined {
  const [headerSize, at] = varint(sample, 0);
  const [type] = varint(sample, at);
  if (type === 0) return null;
  if (type < 13 || type % 2 === 0) return undefined;
  return Buffer.from(sample.buffer, sample.byteOffset + headerSize, (type - 13) / 2).toString("utf8");
}

/** The sampled counts of the CI indexes, or null before the first ANALYZE. */
export async function sampledCounts(db: Db): Promise<SampledCounts | null> {
  const hit = cached.get(db);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  let value: SampledCounts | null = null;
  const tables = await sql<{ name: string }>`select name from sqlite_schema where name in ('sqlite_stat1', 'sqlite_stat4')`.execute(db);
  if (tables.rows.length === 2) {
    const stat1 = await sql<{ stat: string }>`select stat from sqlite_stat1 where tbl = 'cis' and idx is not null limit 1`.execute(db);
    const rows = Number(stat1.rows[0]?.stat.split(" ")[0] ?? 0);
    if (rows > 0) {
      const samples = await sql<{ idx: string; neq: string; sample: Uint8Array }>`select idx, neq, sample from sqlite_stat4 where tbl = 'cis'`.execute(db);
      const byIndex = new Map<string, Map<string | null, number>>();
      for (const s of samples.rows) {
        const v = firstValue(s.sample);
        if (v === undefined) continue;
        const counts = byIndex.get(s.idx) ?? new Map<string | null, number>();
        counts.set(v, Number(s.neq.split(" ")[0]));
        byIndex.set(s.idx, counts);
      }
      value = { rows, byIndex };
    }
  }
  cached.set(db, { at: Date.now(), value });
  return value;
}

/**
 * Whether walking the name index reads fewer rows than reading the filters' CIs and sorting
 * them: `wanted` rows (offset + limit) cost about wanted / density rows of the walk, the sort
 * about density * rows. Filters are taken as independent; a value no sample holds is rare.
 */
export function walkNameIndex(counts: SampledCounts, filters: ListFilter[], wanted: number): boolean {
  let density = 1;
  for (const f of filters) {
    const byValue = counts.byIndex.get(INDEX_OF[f.column]);
    if (!byValue) return false;
    let n = 0;
    for (const v of f.values) n += byValue.get(v) ?? 0;
    density *= Math.min(1, n / counts.rows);
  }
  return density > 0 && wanted / density <= density * counts.rows;
}

/** Whether a list sorted by name with these filters should walk the name index (SQLite only; false when unknown). */
export async function shouldWalkNames(db: Db, filters: ListFilter[], wanted: number): Promise<boolean> {
  if (isPostgres(db) || !filters.length) return false;
  const counts = await sampledCounts(db);
  return counts !== null && walkNameIndex(counts, filters, wanted);
}
