import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { insertCis } from "./cmdb.test-helpers.js";
import { TRIGRAM_CANDIDATES } from "./cis.list.js";
import { indexTrigramTail, trigramTail } from "./cmdb.trigrams.js";
import { sql } from "kysely";
import { isPostgres } from "../../platform/db/dialect.js";

/** What `q` must answer for names: a case-insensitive substring match (ASCII case, as SQL lower() folds it on SQLite). */
const contains = (name: string, text: string) => name.replace(/[A-Z]/g, (c) => c.toLowerCase()).includes(text.replace(/[A-Z]/g, (c) => c.toLowerCase()));

/**
 * Every search test runs with the CIs in the trigram index and with them all in its tail (not
 * indexed yet, as after a bulk load: cmdb.trigrams.ts), and must answer the same.
 */
describe.each([
  ["indexed", true],
  ["in the index's tail", false],
])("CI list search (q), names %s", (_, indexed) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const create = async (name: string, extra: Record<string, unknown> = {}) => {
    const res = await t.app.inject({ method: "POST", url: "/api/v1/cis", headers: t.admin.auth, payload: { class: "application", name, ...extra } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const search = async (q: string, more = "") => {
    await place();
    const res = await t.app.inject({ url: `/api/v1/cis?limit=200&q=${encodeURIComponent(q)}${more}`, headers: t.admin.auth });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as Array<{ name: string }>).map((c) => c.name);
  };
  /** Puts every CI in the index, or every CI in its tail. */
  const place = async () => {
    if (isPostgres(t.db)) return; // PostgreSQL's GIN index keeps itself
    if (indexed) {
      await indexTrigramTail(t.db, { budgetMs: 60_000 });
      expect((await trigramTail(t.db)).size).toBe(0);
    } else {
      await sql`insert into cis_name_trigrams (cis_name_trigrams) values ('delete-all')`.execute(t.db);
      await sql`update cis_trigram_mark set upto = 0`.execute(t.db);
    }
  };
  const insertMany = (names: string[]) => insertCis(t.db, names);

  const NAMES = ["Billing-Web p500-01", "billing-api", "BILLING db", "p500-0x", "pay_roll 100%", "payroll 100 percent", "50%_off", 'say "hi"', "Ärger-Server", "web-p5000-1", "abc", "ab"];

  it("answers exactly the names that contain the text, whatever its case, with % _ and quotes taken literally", async () => {
    for (const name of NAMES) await create(name);
    for (const q of ["billing", "BILLING", "p500-0", "p500", "l_r", "100%", "0%_", "%_o", "_", "%", '"hi"', 'y "', "rger", "abc", "ab", "a", "zzz", "b d", "Ärg"]) {
      expect((await search(q)).sort(), q).toEqual(NAMES.filter((n) => contains(n, q)).sort());
    }
    // Identifiers still match by equality, alongside names.
    const ided = await create("plain", { identifiers: { hostname: "billing-host" } });
    expect(await search("billing-host")).toEqual(["plain"]);
    expect(ided).toBeTruthy();
  });

  it("follows renames and deletions, and CIs written by the bulk path", async () => {
    const a = await create("alpha-one");
    const b = await create("beta-two");
    expect(await search("pha-on")).toEqual(["alpha-one"]);
    const renamed = await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${a}`, headers: t.admin.auth, payload: { name: "gamma-three" } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await search("pha-on")).toEqual([]);
    expect(await search("mma-th")).toEqual(["gamma-three"]);
    // An edit that leaves the name alone keeps it findable.
    await t.app.inject({ method: "PATCH", url: `/api/v1/cis/${a}`, headers: t.admin.auth, payload: { operationalStatus: "down" } });
    expect(await search("mma-th")).toEqual(["gamma-three"]);
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/cis/${b}`, headers: t.admin.auth })).statusCode).toBe(204);
    expect(await search("eta-tw")).toEqual([]);
    // A new CI that takes the deleted one's name (and perhaps its storage slot) is found.
    await create("beta-two");
    expect(await search("eta-tw")).toEqual(["beta-two"]);
    const bulk = await t.app.inject({
      method: "POST",
      url: "/api/v1/cmdb/bulk",
      headers: t.admin.auth,
      payload: { source: "discovery", cis: [{ class: "linux_server", name: "delta-four-01" }, { class: "linux_server", name: "delta-four-02" }] },
    });
    expect(bulk.statusCode, bulk.body).toBe(200);
    expect(await search("ta-fou")).toEqual(["delta-four-01", "delta-four-02"]);
  });

  it("combines the text with the other filters, sorts and counts the same way with or without the index", async () => {
    await insertMany(Array.from({ length: 300 }, (_, i) => `svc-${String(i).padStart(3, "0")}-${i % 3 === 0 ? "prod" : "test"}`));
    await place();
    const res = await t.app.inject({ url: "/api/v1/cis?q=0-prod&sort=-name&limit=5", headers: t.admin.auth });
    const body = res.json();
    // 3-digit numbers ending in 0 with i % 3 == 0: 000, 030, ..., 270.
    expect(body.total).toBe(10);
    expect(body.items.map((c: { name: string }) => c.name)).toEqual(["svc-270-prod", "svc-240-prod", "svc-210-prod", "svc-180-prod", "svc-150-prod"]);
    const page2 = (await t.app.inject({ url: "/api/v1/cis?q=0-prod&sort=-name&limit=5&offset=5", headers: t.admin.auth })).json();
    expect(page2.items.map((c: { name: string }) => c.name)).toEqual(["svc-120-prod", "svc-090-prod", "svc-060-prod", "svc-030-prod", "svc-000-prod"]);
    expect(await search("0-prod", "&class=database")).toEqual([]);
    expect(await search("0-pro", "&lifecycleStatus=in_service")).toHaveLength(10);
  });

  it("answers a fragment common to more names than the index is asked for, by scanning, with the same result", async () => {
    await insertMany(Array.from({ length: TRIGRAM_CANDIDATES + 50 }, (_, i) => `node-${i}`));
    await insertMany(["other-1", "other-2"]);
    await place();
    const common = (await t.app.inject({ url: "/api/v1/cis?q=node-&limit=3", headers: t.admin.auth })).json();
    expect(common.items.map((c: { name: string }) => c.name)).toEqual(["node-0", "node-1", "node-10"]);
    expect(common.total).toBe(1001);
    expect(await search("node-4999")).toEqual(["node-4999"]);
    expect(await search("ther-")).toEqual(["other-1", "other-2"]);
  });
});
