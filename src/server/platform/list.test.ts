import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql, type Kysely } from "kysely";
import { createTestDb, type TestDb } from "../../../test/helpers/test-db.js";
import { paginate, pageTotal, TOTAL_CAP } from "./list.js";

// Totals of list pages: exact on a short last page without counting, capped past TOTAL_CAP
// when asked, and counted on the caller's join-free query when it gives one.
let tdb: TestDb;
let db: Kysely<any>;

beforeEach(async () => {
  tdb = await createTestDb({ migrate: false });
  db = tdb.db as unknown as Kysely<any>;
  await sql`create table list_probe (id integer primary key, name text not null)`.execute(db);
  await sql`create table list_probe_tag (probe_id integer not null, tag text not null)`.execute(db);
  const rows = Array.from({ length: 1_100 }, (_, i) => ({ id: i + 1, name: `n${String(i + 1).padStart(4, "0")}` }));
  for (let i = 0; i < rows.length; i += 200) await db.insertInto("list_probe").values(rows.slice(i, i + 200)).execute();
  // Two tags on the first row: a join on them yields that row twice.
  await db.insertInto("list_probe_tag").values([{ probe_id: 1, tag: "a" }, { probe_id: 1, tag: "b" }]).execute();
});
afterEach(async () => tdb.cleanup());

const sort = { column: "id", direction: "asc" as const };
const probes = () => db.selectFrom("list_probe").select(["id", "name"]);

describe("list totals", () => {
  it("counts exactly, up to the cap or the requested page when capped", async () => {
    expect((await paginate(probes(), { limit: 50 }, sort, "id", (r) => r)).total).toBe(1_100);
    expect((await paginate(probes(), { limit: 50 }, sort, "id", (r) => r, { db })).total).toBe(TOTAL_CAP + 1);
    const deep = await paginate(probes(), { limit: 50, offset: 1_050 }, sort, "id", (r) => r, { db });
    expect(deep.items).toHaveLength(50);
    expect(deep.total).toBe(1_100);
  });

  it("takes a short last page's total without counting, and an empty page past the end counts", async () => {
    const tail = await paginate(probes().where("id", ">", 1_090), { limit: 50 }, sort, "id", (r) => r, { db });
    expect(tail.total).toBe(10);
    const past = await paginate(probes().where("id", ">", 1_090), { limit: 5, offset: 20 }, sort, "id", (r) => r);
    expect(past.items).toHaveLength(0);
    expect(past.total).toBe(10);
  });

  it("counts the join-free query when the caller gives one", async () => {
    const joined = db.selectFrom("list_probe as p").leftJoin("list_probe_tag as t", "t.probe_id", "p.id").select(["p.id", "t.tag"]);
    const page = await paginate(joined, { limit: 10 }, { column: "p.id", direction: "asc" }, "p.id", (r) => r, { count: db.selectFrom("list_probe as p") });
    expect(page.total).toBe(1_100);
    expect(await pageTotal(db.selectFrom("list_probe as p").where("p.id", "<=", 30), 10, 10, 0, db)).toBe(30);
  });

  it("answers a capped total at the end of a deep page from `more` alone, as the count would", async () => {
    // A count that would fail if it ran: with `more` known, a cap at the page's end needs none.
    const noCount = db.selectFrom("no_such_table");
    for (const [offset, more] of [[1_000, true], [1_000, false], [950, true], [1_050, false]] as const) {
      const counted = await pageTotal(probes().where("id", "<=", offset + 50 + (more ? 7 : 0)), 50, 50, offset, db);
      expect(await pageTotal(noCount, 50, 50, offset, db, more), `offset ${offset}`).toBe(counted);
    }
    // Below the cap, or without a capping db, the count still runs (exact up to TOTAL_CAP).
    await expect(pageTotal(noCount, 50, 50, 100, db, true)).rejects.toThrow();
    await expect(pageTotal(noCount, 50, 50, 1_000, undefined, true)).rejects.toThrow();
  });
});
