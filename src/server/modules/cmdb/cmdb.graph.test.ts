import { afterEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import type { ImpactResult } from "../../../contract/index.js";
import { createTestDb, usePg, type TestDb } from "../../../../test/helpers/test-db.js";
import { openDb } from "../../platform/db/db.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { nowIso } from "../../platform/time.js";
import { ensureCmdbDefaults } from "./classes.service.js";
import { DEFAULT_RELATIONSHIP_TYPES } from "./cmdb.classes.js";
import { ImpactGraph } from "./cmdb.graph.js";
import { graphStatus, pruneRelationshipLog, warmGraph } from "./cmdb.graph.sync.js";
import { newId } from "./cmdb.ids.js";
import { servicesImpactedBy, sortItems, traverse, type ImpactDirection } from "./cmdb.impact.js";

const TYPES = DEFAULT_RELATIONSHIP_TYPES.map((t) => t.name);
const IMPACT = new Map(DEFAULT_RELATIONSHIP_TYPES.map((t) => [t.name, t.impact]));

/** A small deterministic PRNG, so a failing graph can be rebuilt from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function addCis(db: DbOrTrx, n: number, cls = "linux_server"): Promise<string[]> {
  const now = nowIso();
  const rows = Array.from({ length: n }, (_, i) => ({
    id: newId(),
    class: i % 7 === 0 ? "business_service" : cls,
    name: `ci-${Math.floor(Math.random() * 1e9)}-${i}`,
    attributes: "{}",
    lifecycle_status: "in_service",
    operational_status: "up",
    environment: null,
    criticality: null,
    owner_group_id: null,
    support_group_id: null,
    created_at: now,
    updated_at: now,
  }));
  await db.insertInto("cis").values(rows).execute();
  return rows.map((r) => r.id);
}

async function link(db: DbOrTrx, source: string, type: string, target: string): Promise<void> {
  await db
    .insertInto("ci_relationships")
    .values({ id: newId(), source_id: source, type, target_id: target, data_source: "test", created_at: nowIso() })
    .onConflict((oc) => oc.columns(["source_id", "type", "target_id"]).doNothing())
    .execute();
}

async function randomLinks(db: DbOrTrx, ids: string[], count: number, rnd: () => number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const s = ids[Math.floor(rnd() * ids.length)];
    const t = ids[Math.floor(rnd() * ids.length)];
    if (s !== t) await link(db, s, TYPES[Math.floor(rnd() * TYPES.length)], t);
  }
}

/** Reached CIs by depth, edges as a sorted list: what both walks must agree on. */
function essence(r: ImpactResult) {
  return {
    root: r.root,
    depths: Object.fromEntries(r.items.map((i) => [i.ci.id, i.depth])),
    cis: Object.fromEntries(r.items.map((i) => [i.ci.id, i.ci])),
    edges: r.edges?.map((e) => `${e.sourceId}>${e.type}>${e.targetId}`).sort(),
  };
}

/** Each item's hop and path must be real links followed in their direction of impact, one level up. */
async function expectValidHops(db: Db, r: ImpactResult, direction: ImpactDirection): Promise<void> {
  const rows = await db.selectFrom("ci_relationships").select(["source_id", "type", "target_id"]).execute();
  const links = new Set(rows.map((x) => `${x.source_id}>${x.type}>${x.target_id}`));
  const followed = (from: string, type: string, to: string) => {
    const impact = IMPACT.get(type);
    const forward = impact === "source_to_target" || impact === "both";
    const backward = impact === "target_to_source" || impact === "both";
    const downstreamOk = (forward && links.has(`${from}>${type}>${to}`)) || (backward && links.has(`${to}>${type}>${from}`));
    const upstreamOk = (backward && links.has(`${from}>${type}>${to}`)) || (forward && links.has(`${to}>${type}>${from}`));
    return direction === "downstream" ? downstreamOk : upstreamOk;
  };
  const depth = new Map(r.items.map((i) => [i.ci.id, i.depth]));
  depth.set(r.root.id, 0);
  for (const item of r.items) {
    expect(depth.get(item.from), `hop of ${item.ci.id}`).toBe(item.depth - 1);
    expect(followed(item.from, item.type, item.ci.id), `hop of ${item.ci.id}`).toBe(true);
    if (item.path) {
      expect(item.path).toHaveLength(item.depth + 1);
      for (let k = 0; k < item.depth; k++) expect(followed(item.path[k], item.relationshipTypes![k], item.path[k + 1])).toBe(true);
    }
  }
}

/** Compares the graph walk with the SQL walk from a few roots, both directions, several depths and answer shapes. */
async function compareWalks(db: Db, ids: string[], rnd: () => number, roots = 6): Promise<void> {
  await warmGraph(db);
  expect(graphStatus(db).state).toBe("ready");
  for (let k = 0; k < roots; k++) {
    const root = ids[Math.floor(rnd() * ids.length)];
    for (const direction of ["downstream", "upstream"] as const) {
      for (const depth of [1, 2, 3, 6, 10]) {
        const options = { edges: k % 2 === 0, paths: k % 3 === 0 };
        const cached = await traverse(db, root, direction, depth, options);
        const reference = await traverse(db, root, direction, depth, { ...options, sql: true });
        expect(essence(cached)).toEqual(essence(reference));
        await expectValidHops(db, cached, direction);
      }
    }
  }
}

describe("impact graph in memory", () => {
  const open: TestDb[] = [];
  const extra: Db[] = [];
  afterEach(async () => {
    for (const d of extra.splice(0)) await d.destroy();
    for (const t of open.splice(0)) await t.cleanup();
  });
  async function fresh(shared = false): Promise<Db> {
    const t = await createTestDb({ shared });
    open.push(t);
    await ensureCmdbDefaults(t.db);
    return t.db;
  }
  /** A second handle on the same database: another node (PostgreSQL) or process (SQLite) as far as the cache can tell. */
  function second(): Db {
    const t = open[open.length - 1];
    const d = openDb({ databaseUrl: t.databaseUrl, sqliteFile: t.sqliteFile ?? undefined, poolSize: 3 });
    extra.push(d);
    return d;
  }

  it("answers what the SQL walk answers on random graphs with cycles, at every depth, with paths and edges", async () => {
    const db = await fresh();
    for (const seed of [1, 2, 3]) {
      const rnd = prng(seed);
      const ids = await addCis(db, 60);
      await randomLinks(db, ids, 150, rnd);
      await compareWalks(db, ids, rnd);
    }
  });

  it("falls back to SQL until the graph is built, then uses it", async () => {
    const db = await fresh();
    const ids = await addCis(db, 3);
    await link(db, ids[1], "runs_on", ids[0]);
    expect(graphStatus(db).state).toBe("none");
    const first = await traverse(db, ids[0], "downstream", 6);
    expect(first.items.map((i) => i.ci.id)).toEqual([ids[1]]);
    await warmGraph(db);
    expect(graphStatus(db)).toMatchObject({ state: "ready", relationships: 1, builds: 1 });
    expect((await traverse(db, ids[0], "downstream", 6)).items.map((i) => i.ci.id)).toEqual([ids[1]]);
    await expect(traverse(db, newId(), "downstream", 6)).rejects.toMatchObject({ status: 404 });
    // A CI no link touches: the graph does not know it, the answer is empty, not a 404.
    expect((await traverse(db, ids[2], "downstream", 6)).items).toEqual([]);
  });

  it("walks started in one turn share one catch-up read; a link committed after that read is seen by the next walk", async () => {
    const db = await fresh();
    const ids = await addCis(db, 4);
    await link(db, ids[1], "runs_on", ids[0]);
    await warmGraph(db);
    const before = graphStatus(db).logReads;
    const walks = await Promise.all([0, 1, 2, 3, 4].map(() => traverse(db, ids[0], "downstream", 6)));
    for (const w of walks) expect(w.items.map((i) => i.ci.id)).toEqual([ids[1]]);
    expect(graphStatus(db).logReads).toBe(before + 1);
    // A walk that starts while a read is under way (its statement sent) waits for a read of its own.
    const first = traverse(db, ids[0], "downstream", 6);
    await Promise.resolve();
    await Promise.resolve();
    await link(db, ids[2], "runs_on", ids[0]);
    const second = traverse(db, ids[0], "downstream", 6);
    expect((await first).items.map((i) => i.ci.id)).toContain(ids[1]);
    expect((await second).items.map((i) => i.ci.id).sort()).toEqual([ids[1], ids[2]].sort());
  });

  it("sees links added and removed through another connection, cascades from deleted CIs and updated links included", async () => {
    const db = await fresh(true);
    const rnd = prng(7);
    const ids = await addCis(db, 50);
    await randomLinks(db, ids, 100, rnd);
    await compareWalks(db, ids, rnd, 2);
    const other = second();
    // Another node adds links, deletes a CI (its links go by cascade) and changes a link's type.
    const more = await addCis(other, 10);
    await randomLinks(other, [...ids, ...more], 60, rnd);
    const gone = ids[3];
    await other.deleteFrom("cis").where("id", "=", gone).execute();
    const some = await other.selectFrom("ci_relationships").select("id").limit(1).executeTakeFirstOrThrow();
    await other.updateTable("ci_relationships").set({ type: "connects_to" }).where("id", "=", some.id).execute();
    // No warm-up here: the next walk itself must read the log.
    const all = [...ids.filter((id) => id !== gone), ...more];
    await compareWalks(db, all, rnd, 8);
    expect(graphStatus(db).builds).toBe(1);
  });

  it("shows reached CIs' names, classes and statuses as changed by another connection; a deleted root is a 404", async () => {
    const db = await fresh(true);
    const ids = await addCis(db, 4);
    await link(db, ids[1], "runs_on", ids[0]);
    await link(db, ids[2], "runs_on", ids[1]);
    await warmGraph(db);
    await traverse(db, ids[0], "downstream", 6); // the rows are kept from here on
    const other = second();
    await other.updateTable("cis").set({ name: "renamed", operational_status: "down" }).where("id", "=", ids[2]).execute();
    await other.updateTable("cis").set({ class: "database" }).where("id", "=", ids[1]).execute();
    await other.updateTable("cis").set({ attributes: '{"cpu":2}' }).where("id", "=", ids[1]).execute(); // not shown: not logged
    const after = await traverse(db, ids[0], "downstream", 6);
    expect(after.items.map((i) => i.ci)).toEqual([
      expect.objectContaining({ id: ids[1], class: "database" }),
      expect.objectContaining({ id: ids[2], name: "renamed", operationalStatus: "down" }),
    ]);
    expect(essence(after)).toEqual(essence(await traverse(db, ids[0], "downstream", 6, { sql: true })));
    await other.updateTable("cis").set({ name: "root renamed" }).where("id", "=", ids[0]).execute();
    expect((await traverse(db, ids[0], "downstream", 6)).root.name).toBe("root renamed");
    await other.deleteFrom("cis").where("id", "=", ids[0]).execute();
    await expect(traverse(db, ids[0], "downstream", 6)).rejects.toMatchObject({ status: 404 });
    expect((await traverse(db, ids[1], "downstream", 6)).items.map((i) => i.ci.id)).toEqual([ids[2]]);
    const log = await other.selectFrom("ci_relationship_log").select(["op", "source_id"]).where("op", "=", "*").execute();
    expect(log.map((r) => r.source_id).sort()).toEqual([ids[0], ids[0], ids[1], ids[2]].sort());
  });

  it("reads the rows of the graph's CIs as it is built, so walks read none; a CI changed after the build is read again", async () => {
    const db = await fresh(true);
    const ids = await addCis(db, 6);
    await link(db, ids[1], "runs_on", ids[0]);
    await link(db, ids[2], "runs_on", ids[1]);
    await link(db, ids[3], "depends_on", ids[2]);
    // ids[4] and ids[5] have no link: not in the graph, so their rows are not read.
    await warmGraph(db);
    expect(graphStatus(db)).toMatchObject({ state: "ready", rowsKept: 4, rowsRead: 0 });
    const first = await traverse(db, ids[0], "downstream", 6);
    expect(first.items.map((i) => i.ci.id)).toEqual([ids[1], ids[2], ids[3]]);
    expect(graphStatus(db).rowsRead).toBe(0);
    expect(essence(first)).toEqual(essence(await traverse(db, ids[0], "downstream", 6, { sql: true })));
    // Changed through another connection after the build: the log drops the kept row, the walk reads it anew.
    const other = second();
    await other.updateTable("cis").set({ name: "renamed", operational_status: "down" }).where("id", "=", ids[2]).execute();
    const after = await traverse(db, ids[0], "downstream", 6);
    expect(after.items.find((i) => i.ci.id === ids[2])?.ci).toMatchObject({ name: "renamed", operationalStatus: "down" });
    expect(graphStatus(db)).toMatchObject({ rowsKept: 4, rowsRead: 1 });
    // A root no link touches is read as before.
    expect((await traverse(db, ids[4], "downstream", 6)).root.id).toBe(ids[4]);
    // A CI linked after the build (a CI the graph numbers anew): read by the first walk that reaches it, then kept.
    await link(other, ids[5], "runs_on", ids[3]);
    const read = graphStatus(db).rowsRead;
    expect((await traverse(db, ids[0], "downstream", 6)).items.map((i) => i.ci.id)).toEqual([ids[1], ids[2], ids[3], ids[5]]);
    expect(graphStatus(db).rowsRead).toBe(read + 1);
    const again = await traverse(db, ids[0], "downstream", 6);
    expect(graphStatus(db).rowsRead).toBe(read + 1);
    expect(essence(again)).toEqual(essence(await traverse(db, ids[0], "downstream", 6, { sql: true })));
  });

  it("keeps the rows read while it was being built only if the log does not say they changed since", async () => {
    const db = await fresh(true);
    const ids = await addCis(db, 30);
    const rnd = prng(5);
    await randomLinks(db, ids, 60, rnd);
    const other = second();
    const building = warmGraph(db);
    // Renames racing the build: whether the build read a row before or after its rename, the walks show the new name.
    for (const id of ids.slice(0, 10)) await other.updateTable("cis").set({ name: `late-${id}` }).where("id", "=", id).execute();
    await building;
    await compareWalks(db, ids, rnd, 6);
    for (const root of ids.slice(0, 10)) {
      const walk = await traverse(db, root, "upstream", 6);
      for (const item of walk.items) if (ids.slice(0, 10).includes(item.ci.id)) expect(item.ci.name).toBe(`late-${item.ci.id}`);
    }
  });

  it("replays links written while the graph was being built", async () => {
    const db = await fresh(true);
    const rnd = prng(11);
    const ids = await addCis(db, 40);
    await randomLinks(db, ids, 80, rnd);
    const other = second();
    const building = warmGraph(db);
    await randomLinks(other, ids, 40, rnd);
    await other.deleteFrom("ci_relationships").where("source_id", "=", ids[0]).execute();
    await building;
    await compareWalks(db, ids, rnd, 6);
  });

  it("walks a transaction's own uncommitted links in SQL and keeps them out of the shared graph", async () => {
    const db = await fresh();
    const ids = await addCis(db, 3);
    await link(db, ids[1], "runs_on", ids[0]);
    await warmGraph(db);
    await db
      .transaction()
      .execute(async (trx) => {
        await link(trx, ids[2], "runs_on", ids[0]);
        expect((await traverse(trx, ids[0], "downstream", 6)).items).toHaveLength(2);
        throw new Error("roll back");
      })
      .catch((err: Error) => expect(err.message).toBe("roll back"));
    expect((await traverse(db, ids[0], "downstream", 6)).items.map((i) => i.ci.id)).toEqual([ids[1]]);
  });

  it("rebuilds when the log rows it still needed were pruned, and prunes only old rows", async () => {
    const db = await fresh(true);
    const rnd = prng(5);
    const ids = await addCis(db, 30);
    await randomLinks(db, ids, 40, rnd);
    await warmGraph(db);
    const other = second();
    await randomLinks(other, ids, 30, rnd);
    const newest = (await other.selectFrom("ci_relationship_log").select(sql<number>`max(seq)`.as("m")).executeTakeFirstOrThrow()).m;
    expect(await pruneRelationshipLog(other, 5)).toBeGreaterThan(0);
    const left = await other.selectFrom("ci_relationship_log").select("seq").orderBy("seq").execute();
    expect(left.map((r) => Number(r.seq))).toEqual([newest - 4, newest - 3, newest - 2, newest - 1, newest]);
    // The walk that notices answers from SQL and starts a rebuild; the answer is right either way.
    const reference = await traverse(db, ids[0], "downstream", 6, { sql: true });
    expect(essence(await traverse(db, ids[0], "downstream", 6))).toEqual(essence(reference));
    await warmGraph(db);
    expect(graphStatus(db).builds).toBe(2);
    await compareWalks(db, ids, rnd, 4);
  });

  it("answers the business services a CI impacts for other modules, itself included, unknown CIs impact nothing", async () => {
    const db = await fresh();
    const [svc, app, host] = await addCis(db, 3); // the first is a business service (i % 7 === 0)
    await link(db, svc, "depends_on", app);
    await link(db, app, "runs_on", host);
    for (const pass of [1, 2]) {
      if (pass === 2) await warmGraph(db);
      expect((await servicesImpactedBy(db, host)).map((s) => s.id)).toEqual([svc]);
      expect((await servicesImpactedBy(db, svc)).map((s) => s.id)).toEqual([svc]);
      expect(await servicesImpactedBy(db, newId())).toEqual([]);
    }
  });

  it.runIf(usePg)("sees a link whose transaction drew a lower seq but committed after a higher one (PostgreSQL)", async () => {
    const db = await fresh();
    const ids = await addCis(db, 4);
    await link(db, ids[1], "runs_on", ids[0]);
    await warmGraph(db);
    const other = second();
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const drawn = new Promise<void>((r) => (inserted = r));
    // Transaction A draws its seq first and commits last.
    const slow = other.transaction().execute(async (trx) => {
      await link(trx, ids[2], "runs_on", ids[0]);
      inserted();
      await hold;
    });
    await drawn;
    await link(other, ids[3], "runs_on", ids[0]); // B: a higher seq, committed at once
    expect(new Set((await traverse(db, ids[0], "downstream", 6)).items.map((i) => i.ci.id))).toEqual(new Set([ids[1], ids[3]]));
    release();
    await slow;
    expect(new Set((await traverse(db, ids[0], "downstream", 6)).items.map((i) => i.ci.id))).toEqual(new Set([ids[1], ids[2], ids[3]]));
    // Once nothing is open, later walks move past both and still see everything once.
    await link(other, ids[3], "depends_on", ids[2]);
    const after = await traverse(db, ids[0], "downstream", 6);
    expect(after.items).toHaveLength(3);
  });
});

describe("impact answer order", () => {
  it("sorts by depth, then by name exactly as the default collator does, plain and other names mixed", () => {
    const rnd = prng(3);
    const alphabet = "abcz09 .-_AZéÅ,";
    const name = () => Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => alphabet[Math.floor(rnd() * (rnd() < 0.7 ? 7 : alphabet.length))]).join("");
    for (let round = 0; round < 50; round++) {
      const items = Array.from({ length: 200 }, (_, i) => ({ ci: { id: String(i), name: name(), class: "x", operationalStatus: "up" as const }, depth: 1 + Math.floor(rnd() * 2), from: "r", type: "t" }));
      const collator = new Intl.Collator();
      const expected = [...items].sort((a, b) => a.depth - b.depth || collator.compare(a.ci.name, b.ci.name));
      expect(sortItems(items).map((i) => `${i.depth}:${i.ci.name}`)).toEqual(expected.map((i) => `${i.depth}:${i.ci.name}`));
    }
  });
});

describe("ImpactGraph", () => {
  it("treats links as a set: adds, removes, revives, duplicates from a build, overlay and compaction", () => {
    const g = new ImpactGraph();
    g.load("a", "runs_on", "b");
    g.load("a", "runs_on", "b"); // read twice while building (deleted and re-added meanwhile)
    g.load("c", "depends_on", "a");
    g.seal();
    const follow = (g2: ImpactGraph) => Uint8Array.from(g2.types.map((t) => (IMPACT.get(t) === "target_to_source" ? 1 : 2)));
    const reached = (g2: ImpactGraph, from: string) => g2.walk(g2.find(from)!, follow(g2), 6).order.map((n) => g2.ids[n]);
    expect(reached(g, "b")).toEqual(["a", "c"]);
    g.remove("a", "runs_on", "b");
    expect(reached(g, "b")).toEqual([]);
    g.add("a", "runs_on", "b"); // revived in place
    g.add("a", "runs_on", "b"); // already there
    g.add("d", "runs_on", "b"); // new CI, in the overlay
    g.add("d", "contains", "e");
    expect(reached(g, "b").sort()).toEqual(["a", "c", "d", "e"]);
    g.remove("x", "runs_on", "b"); // unknown: nothing happens
    g.remove("d", "runs_on", "b");
    expect(reached(g, "b")).toEqual(["a", "c"]);
    g.add("d", "runs_on", "b");
    g.compact();
    expect(reached(g, "b").sort()).toEqual(["a", "c", "d", "e"]);
    expect(g.edgeCount).toBe(4);
  });
});
