import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql, type Kysely } from "kysely";
import { createTestDb, type TestDb } from "../../../../test/helpers/test-db.js";
import { isPostgres } from "../../platform/db/dialect.js";
import type { Db } from "../../platform/db/schema.js";
import { migrateToLatest } from "../../platform/db/migrate.js";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { ensureCmdbDefaults } from "./classes.service.js";
import { listCiHistory, listCiSources } from "./cis.service.js";
import { compareCi } from "./cis.compare.js";
import { identifyOrCreate } from "./cmdb.identify.js";

/**
 * Applies the migrations before 0012, as a database written by an earlier release has them.
 * Through the project's migrator, whose table checks look at this schema only: Kysely's own
 * listed every schema's tables and failed when another test file dropped its schema meanwhile.
 */
async function migrateBefore0012(db: Kysely<any>): Promise<void> {
  await migrateToLatest(db as unknown as Db, { upTo: "0011-ticket-list-indexes" });
}

const T1 = "2026-01-05T10:00:00.000Z";
const T2 = "2026-02-07T11:30:00.250Z";
const T3 = "2026-03-01T08:00:00.000Z";

describe("migration 0012: history and field sources of earlier releases", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb({ migrate: false });
  });
  afterEach(async () => t.cleanup());

  it("keeps per-field history rows readable as one change per write, and field sources with their precedence", async () => {
    const db = t.db as unknown as Kysely<any>;
    await migrateBefore0012(db);
    await ensureCmdbDefaults(t.db);
    await db
      .insertInto("cis")
      .values({ id: "ci-1", class: "linux_server", name: "web-1", attributes: JSON.stringify({ os_version: "12" }), lifecycle_status: "in_service", operational_status: "down", created_at: T1, updated_at: T2 })
      .execute();
    await db.insertInto("ci_identifiers").values({ ci_id: "ci-1", kind: "serial_number", value: "SN-1" }).execute();
    const row = (ci: string, at: string, source: string, actor: string | null, field: string, old: unknown, next: unknown) => ({
      ci_id: ci,
      at,
      actor_id: actor,
      actor_name: actor ? "Ada" : "system",
      source,
      field,
      old_value: old === undefined ? null : JSON.stringify(old),
      new_value: next === undefined ? null : JSON.stringify(next),
    });
    const gone = { id: "ci-2", class: "server", name: "old-box" };
    await db
      .insertInto("ci_history")
      .values([
        row("ci-1", T1, "import", null, "class", null, "linux_server"),
        row("ci-1", T1, "import", null, "name", null, "web-1"),
        row("ci-1", T1, "import", null, "lifecycleStatus", null, "in_service"),
        row("ci-1", T1, "import", null, "operationalStatus", null, "unknown"),
        row("ci-1", T1, "import", null, "attributes.os_version", null, "11"),
        row("ci-1", T1, "import", null, "identifiers.hostname", null, "web-1"),
        row("ci-2", T1, "import", null, "class", null, "server"),
        row("ci-2", T1, "import", null, "name", null, "old-box"),
        row("ci-1", T2, "manual", "u-1", "attributes.os_version", "11", "12"),
        row("ci-1", T2, "manual", "u-1", "operationalStatus", "unknown", "down"),
        row("ci-2", T3, "manual", "u-1", "*", gone, undefined),
      ])
      .execute();
    const source = (field: string, src: string, at: string) => ({ ci_id: "ci-1", field, source: src, confirmed_at: at });
    await db
      .insertInto("ci_attribute_sources")
      .values([
        source("class", "import", T1),
        source("name", "import", T1),
        source("lifecycleStatus", "import", T1),
        source("operationalStatus", "manual", T2),
        source("attributes.os_version", "manual", T2),
        source("identifiers.hostname", "import", T3),
      ])
      .execute();

    expect(await migrateToLatest(t.db)).toContain("0012-cmdb-compact-history");

    // One change per write, in order.
    const changes = await db.selectFrom("ci_changes").select(["ci_id", "at", "source", "field_count"]).orderBy("id").execute();
    expect(changes.map((c) => [c.ci_id, c.at, c.source, Number(c.field_count)])).toEqual([
      ["ci-1", T1, "import", 6],
      ["ci-2", T1, "import", 2],
      ["ci-1", T2, "manual", 2],
      ["ci-2", T3, "manual", 1],
    ]);
    // The API answers as it did from the per-field rows: newest first, same order, same values.
    const history = await listCiHistory(t.db, SYSTEM_ACTOR, "ci-1", {});
    expect(history.total).toBe(8);
    expect(history.items.map((h) => [h.field, h.old, h.new, h.source, h.actorId])).toEqual([
      ["operationalStatus", "unknown", "down", "manual", "u-1"],
      ["attributes.os_version", "11", "12", "manual", "u-1"],
      ["identifiers.hostname", null, "web-1", "import", null],
      ["attributes.os_version", null, "11", "import", null],
      ["operationalStatus", null, "unknown", "import", null],
      ["lifecycleStatus", null, "in_service", "import", null],
      ["name", null, "web-1", "import", null],
      ["class", null, "linux_server", "import", null],
    ]);
    const ids = history.items.map((h) => h.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // A deleted CI's history too, and comparing two moments still works.
    const deleted = await listCiHistory(t.db, SYSTEM_ACTOR, "ci-2", { sort: "at" });
    expect(deleted.items.map((h) => h.field)).toEqual(["class", "name", "*"]);
    expect(deleted.items[2]).toMatchObject({ old: gone, new: null });
    const compared = await compareCi(t.db, SYSTEM_ACTOR, "ci-1", T1, T2);
    expect(compared.changes).toEqual([
      { field: "attributes.os_version", from: "11", to: "12" },
      { field: "operationalStatus", from: "unknown", to: "down" },
    ]);

    // Field sources: the same answer, and precedence still holds (manual outranks import).
    const sources = await listCiSources(t.db, SYSTEM_ACTOR, "ci-1");
    expect(sources.items).toEqual([
      { field: "attributes.os_version", source: "manual", confirmedAt: T2 },
      { field: "class", source: "import", confirmedAt: T1 },
      { field: "identifiers.hostname", source: "import", confirmedAt: T3 },
      { field: "lifecycleStatus", source: "import", confirmedAt: T1 },
      { field: "name", source: "import", confirmedAt: T1 },
      { field: "operationalStatus", source: "manual", confirmedAt: T2 },
    ]);
    const after = await t.db.transaction().execute((trx) =>
      identifyOrCreate(trx, SYSTEM_ACTOR, "import", { class: "linux_server", name: "web-1", identifiers: { serialNumber: "SN-1" }, attributes: { os_version: "13" }, environment: "staging" }),
    );
    expect(after.ci.id).toBe("ci-1");
    expect(after.ci.attributes.os_version).toBe("12");
    expect(after.ci.environment).toBe("staging");
    const now = await listCiSources(t.db, SYSTEM_ACTOR, "ci-1");
    expect(now.items.find((s) => s.field === "attributes.os_version")).toEqual({ field: "attributes.os_version", source: "manual", confirmedAt: T2 });
    expect(now.items.find((s) => s.field === "environment")?.source).toBe("import");

    // The per-field tables are gone.
    const tables = isPostgres(db)
      ? (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows
      : (await sql<{ name: string }>`select name from sqlite_schema where type = 'table'`.execute(db)).rows;
    expect(tables.map((r) => r.name)).not.toContain("ci_history");
    expect(tables.map((r) => r.name)).not.toContain("ci_attribute_sources");
  });
});
