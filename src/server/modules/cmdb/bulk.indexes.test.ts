import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CompiledQuery, sql } from "kysely";
import { createTestDb, usePg, type TestDb } from "../../../../test/helpers/test-db.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { ensureCmdbDefaults } from "./classes.service.js";
import { bulkReconcile } from "./bulk.service.js";
import { listCis } from "./cis.list.js";
import { exportCisCsv } from "./csv.service.js";
import { sampledCounts, walkNameIndex, type ListFilter, type SampledCounts } from "./cis.list.plan.js";

/** The columns of a CI index, in order. */
async function indexColumns(t: TestDb, index: string): Promise<string[]> {
  if (isPostgres(t.db)) {
    const { rows } = await sql<{ col: string }>`
      select a.attname as col from pg_index i join pg_class c on c.oid = i.indexrelid
      join lateral unnest(i.indkey) with ordinality as k(attnum, n) on true
      left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum and k.attnum <> 0
      where c.relname = ${index} and c.relnamespace = current_schema()::regnamespace order by k.n`.execute(t.db);
    return rows.map((r) => r.col);
  }
  const { rows } = await sql<{ name: string }>`select name from pragma_index_info(${index}) order by seqno`.execute(t.db);
  return rows.map((r) => r.name);
}

describe("CI status indexes (0021)", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
    await ensureCmdbDefaults(t.db);
  });
  afterEach(async () => t.cleanup());

  it("keys lifecycle and operational status alone, so new CIs append", async () => {
    expect(await indexColumns(t, "cis_lifecycle_idx")).toEqual(["lifecycle_status"]);
    expect(await indexColumns(t, "cis_operational_idx")).toEqual(["operational_status"]);
  });

  it("still lists bulk-loaded CIs by status, sorted by name", async () => {
    const statuses = ["up", "down", "degraded", "unknown"] as const;
    const cis = Array.from({ length: 60 }, (_, i) => ({
      ref: String(i),
      class: "application",
      name: `app-${String((i * 37) % 60).padStart(2, "0")}`,
      operationalStatus: statuses[i % 4],
      lifecycleStatus: i % 3 ? ("in_service" as const) : ("retired" as const),
    }));
    const r = await bulkReconcile(t.db, SYSTEM_ACTOR, { source: "api", cis });
    expect(r.cis.every((c) => c.outcome === "created")).toBe(true);
    const down = await listCis(t.db, SYSTEM_ACTOR, { operationalStatus: "down", limit: 100 });
    const expected = cis.filter((c) => c.operationalStatus === "down").map((c) => c.name).sort();
    expect(down.items.map((c) => c.name)).toEqual(expected);
    expect(down.total).toBe(expected.length);
    const retiredDown = await listCis(t.db, SYSTEM_ACTOR, { operationalStatus: "down", lifecycleStatus: "retired", sort: "-name", limit: 100 });
    expect(retiredDown.items.map((c) => c.name)).toEqual(cis.filter((c) => c.operationalStatus === "down" && c.lifecycleStatus === "retired").map((c) => c.name).sort().reverse());
  });
});

describe("one name-ordered CI index (0022)", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
    await ensureCmdbDefaults(t.db);
  });
  afterEach(async () => t.cleanup());

  /** SQLite's plan of a statement, one line per step. */
  const plan = async (text: string, ...params: unknown[]) =>
    (await t.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, params))).rows.map((r) => r.detail).join("\n");

  it("keeps one name-ordered index; class and environment hold the value alone", async () => {
    for (const gone of ["cis_class_name_idx", "cis_lower_name_idx"]) expect(await indexColumns(t, gone)).toEqual([]);
    // An expression has no column name: null. The columns after the id are the ones lists filter
    // on: a walk of this index tests them on the entry and reads the row only of CIs that pass.
    expect(await indexColumns(t, "cis_name_idx")).toEqual([null, "id", "class", "lifecycle_status", "operational_status", "environment"]);
    expect(await indexColumns(t, "cis_class_idx")).toEqual(["class"]);
    expect(await indexColumns(t, "cis_environment_idx")).toEqual(["environment"]);
  });

  it.skipIf(usePg)("serves the name sort, identification by name and the export's pages from the name index", async () => {
    const sort = await plan("select * from cis as c order by lower(c.name) asc, c.id asc limit 50");
    expect(sort).toContain("cis_name_idx");
    expect(sort).not.toContain("TEMP B-TREE");
    expect(await plan("select c.id from cis as c where lower(c.name) = ? order by c.created_at limit 2", "x")).toMatch(/SEARCH c USING INDEX cis_name_idx/);
    expect(await plan("select lower(name) as n from cis where lower(name) in (?, ?)", "a", "b")).toContain("cis_name_idx");
    const page = await plan("select * from cis as c where (lower(c.name) > ? or (lower(c.name) = ? and c.id > ?)) order by lower(c.name), c.id limit 1000", "m", "m", "0");
    expect(page).toContain("cis_name_idx");
    expect(page).not.toContain("TEMP B-TREE");
    // A list whose filters are common walks the name index with their index use turned off (cis.list.plan.ts).
    const walk = await plan("select * from cis as c where +c.class in (?) and +c.lifecycle_status in (?) order by lower(c.name) desc, c.id desc limit 50 offset 100", "application", "in_service");
    expect(walk).toContain("SCAN c USING INDEX cis_name_idx");
    expect(walk).not.toContain("TEMP B-TREE");
  });

  it("sorts the CI list and the export by name ignoring case, page after page", async () => {
    const names = Array.from({ length: 1205 }, (_, i) => `${i % 3 ? "Node" : "node"}-${String((i * 7919) % 1205).padStart(4, "0")}${i % 5 ? "" : "x"}`);
    const cis = names.map((name, i) => ({ ref: String(i), class: "application", name }));
    for (let i = 0; i < cis.length; i += 500) {
      const r = await bulkReconcile(t.db, SYSTEM_ACTOR, { source: "api", cis: cis.slice(i, i + 500) });
      expect(r.cis.every((c) => c.outcome === "created")).toBe(true);
    }
    const folded = (n: string) => n.toLowerCase();
    const expected = [...names].sort((a, b) => (folded(a) < folded(b) ? -1 : folded(a) > folded(b) ? 1 : 0));
    const first = await listCis(t.db, SYSTEM_ACTOR, { limit: 50 });
    expect(first.items.map((c) => c.name)).toEqual(expected.slice(0, 50));
    const last = await listCis(t.db, SYSTEM_ACTOR, { sort: "-name", limit: 50, offset: 0 });
    expect(last.items.map((c) => c.name)).toEqual([...expected].reverse().slice(0, 50));
    const csv = await exportCisCsv(t.db, SYSTEM_ACTOR, {});
    let text = "";
    for await (const chunk of csv) text += chunk;
    // Names have no comma or quote: the second column is the name.
    const exported = text.trim().split("\n").slice(1).map((line) => line.split(",")[1]);
    expect(exported).toEqual(expected);
  });
});

describe("CI lists sorted by name over common and rare values (cis.list.plan.ts)", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
    await ensureCmdbDefaults(t.db);
  });
  afterEach(async () => t.cleanup());

  it("walks the name index only where that reads fewer rows than sorting the filters' CIs", () => {
    const counts: SampledCounts = {
      rows: 1_000_000,
      byIndex: new Map([
        ["cis_class_idx", new Map<string | null, number>([["virtual_machine", 300_000], ["storage", 1_000]])],
        ["cis_operational_idx", new Map<string | null, number>([["up", 930_000], ["down", 20_000]])],
      ]),
    };
    const vms: ListFilter = { column: "class", values: ["virtual_machine"] };
    expect(walkNameIndex(counts, [vms], 50)).toBe(true);
    expect(walkNameIndex(counts, [vms], 5_000)).toBe(true);
    expect(walkNameIndex(counts, [{ column: "class", values: ["storage"] }], 50)).toBe(false);
    expect(walkNameIndex(counts, [vms, { column: "operational_status", values: ["down"] }], 50)).toBe(false);
    expect(walkNameIndex(counts, [{ column: "class", values: ["virtual_machine", "storage"] }, { column: "operational_status", values: ["up"] }], 50)).toBe(true);
    // No statistics for a filter's index, or a value nobody sampled: the planner decides.
    expect(walkNameIndex(counts, [{ column: "environment", values: ["production"] }], 50)).toBe(false);
    expect(walkNameIndex(counts, [{ column: "class", values: ["laptop"] }], 50)).toBe(false);
  });

  it("answers the same pages through either way, before ANALYZE and after it", async () => {
    const cis = Array.from({ length: 1500 }, (_, i) => ({
      ref: String(i),
      class: i % 150 === 7 ? "storage" : "application",
      name: `${i % 2 ? "Ci" : "ci"}-${String((i * 7919) % 1500).padStart(4, "0")}`,
      environment: i % 5 ? "production" : "staging",
      operationalStatus: i % 50 === 3 ? ("down" as const) : ("up" as const),
    }));
    for (let i = 0; i < cis.length; i += 500) expect((await bulkReconcile(t.db, SYSTEM_ACTOR, { source: "api", cis: cis.slice(i, i + 500) })).cis.every((c) => c.outcome === "created")).toBe(true);
    const folded = (n: string) => n.toLowerCase();
    const sorted = (list: typeof cis) => list.map((c) => c.name).sort((a, b) => (folded(a) < folded(b) ? -1 : folded(a) > folded(b) ? 1 : 0));
    const cases = [
      { query: { class: "application" }, expected: sorted(cis.filter((c) => c.class === "application")) },
      { query: { class: "storage" }, expected: sorted(cis.filter((c) => c.class === "storage")) },
      { query: { environment: "staging", operationalStatus: "up" as const }, expected: sorted(cis.filter((c) => c.environment === "staging" && c.operationalStatus === "up")) },
      { query: { class: "application", operationalStatus: "down" as const }, expected: sorted(cis.filter((c) => c.class === "application" && c.operationalStatus === "down")) },
    ];
    const check = async () => {
      for (const { query, expected } of cases) {
        for (const [offset, sort] of [[0, "name"], [40, "name"], [0, "-name"], [900, "-name"]] as const) {
          const page = await listCis(t.db, SYSTEM_ACTOR, { ...query, sort, limit: 25, offset });
          const want = (sort === "name" ? expected : [...expected].reverse()).slice(offset, offset + 25);
          const what = JSON.stringify({ query, offset, sort });
          expect(page.items.map((c) => c.name), what).toEqual(want);
          if (want.length === 25) expect(page.total, what).toBeGreaterThanOrEqual(Math.min(expected.length, 1000));
          else expect(page.total, what).toBe(expected.length);
        }
      }
    };
    await check();
    await sql`analyze`.execute(t.db);
    if (!usePg) {
      const counts = await sampledCounts(t.db);
      // ANALYZE may sample (analysis_limit): counts are estimates, of the right size.
      expect(counts?.byIndex.get("cis_class_idx")?.get("storage")).toBeLessThan(50);
      expect(counts?.byIndex.get("cis_class_idx")?.get("application")).toBeGreaterThan(500);
    }
    await check();
  });
});

describe("one identifier index (0022)", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
    await ensureCmdbDefaults(t.db);
  });
  afterEach(async () => t.cleanup());

  it("keeps serial numbers, FQDNs and cloud ids to one CI each and lets other identifiers repeat", async () => {
    const r = await bulkReconcile(t.db, SYSTEM_ACTOR, { source: "api", cis: [{ class: "linux_server", name: "a" }, { class: "linux_server", name: "b" }] });
    const [a, b] = r.cis.map((c) => c.id!);
    await t.db.insertInto("ci_identifiers").values([{ ci_id: a, kind: "fqdn", value: "a.example" }, { ci_id: a, kind: "ip_address", value: "10.0.0.1" }]).execute();
    await t.db.insertInto("ci_identifiers").values({ ci_id: b, kind: "ip_address", value: "10.0.0.1" }).execute();
    for (const kind of ["fqdn", "serial_number", "cloud_id"]) {
      await t.db.insertInto("ci_identifiers").values({ ci_id: a, kind, value: `${kind}-1` }).onConflict((oc) => oc.doNothing()).execute();
      await expect(t.db.insertInto("ci_identifiers").values({ ci_id: b, kind, value: `${kind}-1` }).execute(), kind).rejects.toThrow();
    }
    const { rows } = await sql<{ ci_id: string }>`select ci_id from ci_identifiers where kind = 'ip_address' and value = '10.0.0.1' order by ci_id`.execute(t.db);
    expect(rows.map((x) => x.ci_id)).toEqual([a, b].sort());
  });

  it.skipIf(usePg)("finds CIs by identifier through it", async () => {
    const detail = async (text: string) => (await t.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, []))).rows.map((r) => r.detail).join("\n");
    expect(await detail("select ci_id from ci_identifiers where kind = 'hostname' and value in ('a', 'b')")).toContain("ci_identifiers_value_idx (kind=? AND value=?)");
    expect(await detail("select ci_id, kind, value from ci_identifiers where kind in (select value from json_each('[\"fqdn\"]')) and value in (select value from json_each('[\"x\"]'))")).toContain("ci_identifiers_value_idx");
  });
});
