import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { createTicket } from "./tickets.create.js";
import { listTickets } from "./tickets.list.js";
import { mergeSearchIndex, searchMergeJob, searchSegments, ticketWritesBusy } from "./tickets.search-merge.js";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

const WORDS = ["disk", "memory", "network", "printer", "backup", "certificate", "latency", "login"];

async function numbersFound(q: string): Promise<string[]> {
  const page = await listTickets(t.db, SYSTEM_ACTOR, { q, limit: 200 });
  return page.items.map((i) => i.number).sort();
}

describe("full-text index upkeep", () => {
  it("runs as a periodic job on SQLite only", () => {
    const types = t.built.ctx.jobs.periodic().map((j) => j.type);
    expect(types.includes("tickets.search_merge")).toBe(!isPostgres(t.db));
  });

  it("waits for a minute with few ticket creations", async () => {
    // No tickets, or fewer than the count: quiet.
    expect(await ticketWritesBusy(t.db, { creations: 5 })).toBe(false);
    for (let i = 0; i < 4; i++) await createTicket(t.db, SYSTEM_ACTOR, "incident", { title: `printer ${i}` });
    expect(await ticketWritesBusy(t.db, { creations: 5 })).toBe(false);
    await createTicket(t.db, SYSTEM_ACTOR, "incident", { title: "printer 4" });
    // Five within the minute: busy; seen from a minute and more later, quiet again.
    expect(await ticketWritesBusy(t.db, { creations: 5 })).toBe(true);
    expect(await ticketWritesBusy(t.db, { creations: 5, now: Date.now() + 61_000 })).toBe(false);
    // The fifth newest is what counts: older tickets before it change nothing.
    await sql`update tickets set created_at = ${new Date(Date.now() - 3_600_000).toISOString()} where title = 'printer 0'`.execute(t.db);
    expect(await ticketWritesBusy(t.db, { creations: 5 })).toBe(false);
    expect(await ticketWritesBusy(t.db, { creations: 4 })).toBe(true);
  });

  it("as the job, leaves the segments alone in a busy minute and merges them in a quiet one", async () => {
    if (isPostgres(t.db)) return;
    // One creation per transaction: a segment each.
    for (let i = 0; i < 12; i++) await createTicket(t.db, SYSTEM_ACTOR, "incident", { title: `${WORDS[i % WORDS.length]} fault ${i}` });
    const segments = await searchSegments(t.db);
    expect(segments).toBeGreaterThan(1);
    // Twelve creations within the minute, ten make it busy: nothing merged.
    expect(await searchMergeJob(t.db, { creations: 10 })).toBeNull();
    expect(await searchSegments(t.db)).toBe(segments);
    // Seen a minute later, the same minute is quiet: merged.
    expect(await searchMergeJob(t.db, { creations: 10, now: Date.now() + 61_000 })).toBeGreaterThan(0);
    expect(await searchSegments(t.db)).toBeLessThan(segments);
  });

  it("has FTS5 merge 16 segments at a time on its own, and a level in one go only past 32 (migration 0025)", async () => {
    if (isPostgres(t.db)) return;
    const { rows } = await sql<{ k: string; v: number }>`select k, v from tickets_fts_config where k in ('automerge', 'crisismerge') order by k`.execute(t.db);
    expect(rows.map((r) => [r.k, Number(r.v)])).toEqual([
      ["automerge", 16],
      ["crisismerge", 32],
    ]);
    // Written with those settings, the index stays whole and searchable.
    for (let i = 0; i < 40; i++) await createTicket(t.db, SYSTEM_ACTOR, "incident", { title: `${WORDS[i % WORDS.length]} issue ${i}`, description: `zone${i % 5}x` });
    await sql`insert into tickets_fts(tickets_fts) values ('integrity-check')`.execute(t.db);
    expect((await numbersFound("zone2x")).length).toBe(8);
  });

  it("merges the segments that separate creations leave into one, and every search finds the same tickets", async () => {
    // One creation per transaction: one segment each, as a desk opening tickets all day writes them.
    for (let i = 0; i < 60; i++) {
      await createTicket(t.db, SYSTEM_ACTOR, "incident", { title: `${WORDS[i % WORDS.length]} problem ${i}`, description: `host-${i % 7} reports ${WORDS[(i * 3) % WORDS.length]} trouble` });
    }
    const queries = ["disk", "mem", "host-3", "trouble", "printer problem", "lat"];
    const before = await Promise.all(queries.map(numbersFound));
    expect(before.every((found) => found.length > 0)).toBe(true);
    if (isPostgres(t.db)) {
      // The GIN index needs no upkeep: the job does nothing there.
      expect(await mergeSearchIndex(t.db)).toBe(0);
      return;
    }
    const segments = await searchSegments(t.db);
    expect(segments).toBeGreaterThan(1);

    // Small steps, as the job takes them, until nothing is left to merge.
    const steps = await mergeSearchIndex(t.db, { pages: 4, budgetMs: 60_000 });
    expect(steps).toBeGreaterThan(0);
    expect(await searchSegments(t.db)).toBe(1);
    await sql`insert into tickets_fts(tickets_fts) values ('integrity-check')`.execute(t.db);
    expect(await Promise.all(queries.map(numbersFound))).toEqual(before);

    // Nothing more to do: the next run is a no-op.
    expect(await mergeSearchIndex(t.db)).toBe(0);
    // New tickets after the merge are found as before.
    const added = await createTicket(t.db, SYSTEM_ACTOR, "incident", { title: "disk full again", description: "host-3" });
    expect(await numbersFound("disk full")).toContain(added.number);
  });
});
