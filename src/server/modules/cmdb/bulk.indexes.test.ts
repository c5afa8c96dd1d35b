import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createTestDb, type TestDb } from "../../../../test/helpers/test-db.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { ensureCmdbDefaults } from "./classes.service.js";
import { bulkReconcile } from "./bulk.service.js";
import { listCis } from "./cis.list.js";

/** The columns of a CI index, in order. */
async function indexColumns(t: TestDb, index: string): Promise<string[]> {
  if (isPostgres(t.db)) {
    const { rows } = await sql<{ col: string }>`
      select a.attname as col from pg_index i join pg_class c on c.oid = i.indexrelid
      join lateral unnest(i.indkey) with ordinality as k(attnum, n) on true
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
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

  it("keys lifecycle and operational status alone, so new CIs append, and environment with the name", async () => {
    expect(await indexColumns(t, "cis_lifecycle_idx")).toEqual(["lifecycle_status"]);
    expect(await indexColumns(t, "cis_operational_idx")).toEqual(["operational_status"]);
    expect(await indexColumns(t, "cis_environment_idx")).toEqual(["environment", "name"]);
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
