import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createTestDb, usePg, type TestDb } from "../../../../test/helpers/test-db.js";
import { migrateToLatest } from "../../platform/db/migrate.js";
import * as m0026 from "../../platform/db/migrations/0026-cmdb-trigram-tail.js";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { ensureCmdbDefaults } from "./classes.service.js";
import { listCis } from "./cis.list.js";
import { insertCis } from "./cmdb.test-helpers.js";
import { BUSY_CREATIONS, indexTrigramTail, trigramIndexRun, trigramTail } from "./cmdb.trigrams.js";

/** The rowids the trigram index gives for a fragment (what it holds, not what a search answers). */
async function indexed(db: DbOrTrx, fragment: string): Promise<number[]> {
  const { rows } = await sql<{ rowid: number }>`select rowid from cis_name_trigrams where cis_name_trigrams match ${`"${fragment}"`} order by rowid`.execute(db);
  return rows.map((r) => r.rowid);
}

async function rowidOf(db: DbOrTrx, name: string): Promise<number> {
  const { rows } = await sql<{ rowid: number }>`select rowid from cis where name = ${name}`.execute(db);
  return rows[0].rowid;
}

// A database without an app: no timer of the app's indexes the tail behind the tests' backs.
describe.skipIf(usePg)("the trigram index's tail (SQLite)", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
    await ensureCmdbDefaults(t.db);
  });
  afterEach(async () => t.cleanup());

  it("leaves new CIs out of the index until it is caught up, a batch per transaction, and moves the mark", async () => {
    const before = await trigramTail(t.db);
    await insertCis(t.db, Array.from({ length: 10 }, (_, i) => `tailer-${i}`));
    const tail = await trigramTail(t.db);
    expect(tail.size - before.size).toBe(10);
    expect(await indexed(t.db, "tailer-")).toEqual([]);
    expect(await indexTrigramTail(t.db, { batch: 3, budgetMs: 60_000 })).toBeGreaterThanOrEqual(10);
    const after = await trigramTail(t.db);
    expect(after).toMatchObject({ upto: tail.last, size: 0 });
    expect(await indexed(t.db, "tailer-")).toHaveLength(10);
    // Nothing left: a run indexes nothing and moves nothing.
    expect(await indexTrigramTail(t.db)).toBe(0);
  });

  it("keeps the indexed part exact through renames, deletions and a reused rowid, and leaves the tail's to the indexer", async () => {
    await insertCis(t.db, ["keep-alpha", "keep-beta", "keep-gamma"]);
    await indexTrigramTail(t.db, { budgetMs: 60_000 });
    await insertCis(t.db, ["late-delta", "late-epsilon"]);
    const [alpha, beta, gamma, delta] = await Promise.all(["keep-alpha", "keep-beta", "keep-gamma", "late-delta"].map((n) => rowidOf(t.db, n)));
    // Indexed CIs: the triggers change the index at once.
    await t.db.updateTable("cis").set({ name: "renamed-alpha" }).where("name", "=", "keep-alpha").execute();
    expect(await indexed(t.db, "renamed-alpha")).toEqual([alpha]);
    expect(await indexed(t.db, "keep-alpha")).toEqual([]);
    await t.db.deleteFrom("cis").where("name", "=", "keep-beta").execute();
    expect(await indexed(t.db, "keep-beta")).toEqual([]);
    // Tail CIs: nothing in the index until the indexer gets there, with the name they have then.
    await t.db.updateTable("cis").set({ name: "renamed-delta" }).where("name", "=", "late-delta").execute();
    await t.db.deleteFrom("cis").where("name", "=", "late-epsilon").execute();
    expect(await indexed(t.db, "late-")).toEqual([]);
    expect(await indexed(t.db, "renamed-delta")).toEqual([]);
    await indexTrigramTail(t.db, { budgetMs: 60_000 });
    expect(await indexed(t.db, "renamed-delta")).toEqual([delta]);
    expect(await indexed(t.db, "late-")).toEqual([]);
    // The newest CI deleted, a new one takes its rowid, at or below the mark: indexed at once.
    const { upto } = await trigramTail(t.db);
    const newest = (await sql<{ name: string; rowid: number }>`select name, rowid from cis where rowid = ${upto}`.execute(t.db)).rows[0];
    await t.db.deleteFrom("cis").where("name", "=", newest.name).execute();
    await insertCis(t.db, ["reused-slot"]);
    const reused = await rowidOf(t.db, "reused-slot");
    expect(reused).toBeLessThanOrEqual(upto);
    expect(await indexed(t.db, "reused-slot")).toEqual([reused]);
    expect(gamma).toBeGreaterThan(0);
    expect(beta).toBeGreaterThan(0);
  });

  it("waits while CIs are created at a bulk rate, then catches up", async () => {
    const now = Date.now();
    await insertCis(t.db, Array.from({ length: BUSY_CREATIONS }, (_, i) => `bulk-${i}`), new Date(now).toISOString());
    expect(await trigramIndexRun(t.db, { now })).toBeNull();
    expect(await indexed(t.db, "bulk-1")).toEqual([]);
    // A stopping process leaves the tail to the next start.
    expect(await trigramIndexRun(t.db, { now: now + 1500 }, () => true)).toBe(0);
    expect((await trigramTail(t.db)).size).toBeGreaterThanOrEqual(BUSY_CREATIONS);
    // A second later with nothing new: the load is over.
    expect(await trigramIndexRun(t.db, { now: now + 1500 })).toBeGreaterThanOrEqual(BUSY_CREATIONS);
    expect((await trigramTail(t.db)).size).toBe(0);
    expect((await indexed(t.db, "bulk-1")).length).toBeGreaterThan(100);
  });

  it("searches a tail too long to read row by row by scanning, with the same answer", async () => {
    await insertCis(t.db, ["scan-one", "scan-two", "other-three"]);
    await indexTrigramTail(t.db, { budgetMs: 60_000 });
    await insertCis(t.db, ["scan-four", "other-five"]);
    const names = async (options: { tailScanMax?: number }) => (await listCis(t.db, SYSTEM_ACTOR, { q: "scan-", limit: 50 }, options)).items.map((c) => c.name).sort();
    expect(await names({})).toEqual(["scan-four", "scan-one", "scan-two"]);
    expect(await names({ tailScanMax: 1 })).toEqual(["scan-four", "scan-one", "scan-two"]);
  });
});

describe.skipIf(usePg)("migration 0026 (the trigram index's tail)", () => {
  let tdb: TestDb;
  beforeEach(async () => {
    tdb = await createTestDb({ migrate: false });
  });
  afterEach(async () => tdb.cleanup());

  it("starts with every existing CI indexed, and its down migration indexes the tail before 0013's triggers come back", async () => {
    await migrateToLatest(tdb.db, { upTo: "0025-ticket-search-wider-merges" });
    await ensureCmdbDefaults(tdb.db);
    await insertCis(tdb.db, ["before-one", "before-two"]);
    expect(await migrateToLatest(tdb.db)).toContain("0026-cmdb-trigram-tail");
    const tail = await trigramTail(tdb.db);
    expect(tail.size).toBe(0);
    expect(tail.upto).toBe(await rowidOf(tdb.db, "before-two"));
    expect(await indexed(tdb.db, "before-")).toHaveLength(2);
    await insertCis(tdb.db, ["after-one"]);
    expect(await indexed(tdb.db, "after-")).toEqual([]);
    await m0026.down(tdb.db);
    expect(await indexed(tdb.db, "after-")).toEqual([await rowidOf(tdb.db, "after-one")]);
    // 0013's insert trigger again: every new CI indexed at once.
    await insertCis(tdb.db, ["again-one"]);
    expect(await indexed(tdb.db, "again-")).toEqual([await rowidOf(tdb.db, "again-one")]);
  });
});
