import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, usePg, type TestDb } from "../../../../test/helpers/test-db.js";
import { chunkSizes, insertArrays } from "./multirow.js";

describe("multi-row statements", () => {
  let tdb: TestDb;
  beforeEach(async () => {
    tdb = await createTestDb({ migrate: false });
    const flag = sql.raw(usePg ? "boolean" : "integer");
    await sql`create table mr (k text primary key, n integer, flag ${flag}, note text, c01 text, c02 text, c03 text, c04 text, c05 text, c06 text, c07 text, c08 text, c09 text)`.execute(tdb.db);
  });
  afterEach(async () => tdb.cleanup());

  const COLUMNS = ["k", "n", "flag", "note", "c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08", "c09"];
  const row = (i: number, note?: string) => [`k${i}`, i, i % 2 === 0, note, ...Array.from({ length: 9 }, (_, j) => `v${i}.${j}`)];
  // Booleans come back as 1/0 from SQLite, as booleans from PostgreSQL.
  const all = async () =>
    (await sql<{ k: string; n: number; flag: number | boolean; note: string | null; c09: string }>`select k, n, flag, note, c09 from mr order by n`.execute(tdb.db)).rows.map((r) => ({ ...r, flag: Boolean(r.flag) }));

  it("cuts batches into powers of two", () => {
    expect(chunkSizes(13)).toEqual([8, 4, 1]);
    expect(chunkSizes(600)).toEqual([256, 256, 64, 16, 8]);
    expect(chunkSizes(0)).toEqual([]);
  });

  for (const chunking of ["pow2", "max"] as const) {
    it(`writes every row once, in any batch size (${chunking})`, async () => {
      // 2,500 rows of 13 columns: past the parameter limit of one statement, so several statements either way.
      for (const n of [1, 3, 2500]) {
        await sql`delete from mr`.execute(tdb.db);
        await insertArrays(tdb.db, "mr", COLUMNS, Array.from({ length: n }, (_, i) => row(i)), { chunking });
        const rows = await all();
        expect(rows).toHaveLength(n);
        expect(new Set(rows.map((r) => r.k)).size).toBe(n);
        expect(rows.at(-1)).toEqual({ k: `k${n - 1}`, n: n - 1, flag: (n - 1) % 2 === 0, note: null, c09: `v${n - 1}.8` });
      }
    });
  }

  it("upserts: rows whose key exists overwrite the named columns only", async () => {
    await insertArrays(tdb.db, "mr", COLUMNS, [row(1, "first"), row(2, "first")], { chunking: "pow2" });
    const changed = row(2, "second");
    changed[1] = 20;
    await insertArrays(tdb.db, "mr", COLUMNS, [changed, row(3, "new")], { chunking: "pow2", upsert: { conflict: "k", update: ["note"] } });
    expect((await all()).map((r) => [r.k, r.n, r.note])).toEqual([
      ["k1", 1, "first"],
      ["k2", 2, "second"],
      ["k3", 3, "new"],
    ]);
  });

  it("writes nothing for no rows", async () => {
    await insertArrays(tdb.db, "mr", COLUMNS, [], { chunking: "max" });
    expect(await all()).toEqual([]);
  });
});
