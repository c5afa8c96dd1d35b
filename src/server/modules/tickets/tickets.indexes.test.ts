import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createTestDb, type TestDb } from "../../../../test/helpers/test-db.js";
import { isPostgres } from "../../platform/db/dialect.js";

// Every ticket index is written by every creation (0023 keeps the ones the lists and the
// problem suggestions read); a new one must be worth its cost per creation, so the set is pinned.
const EXPECTED = [
  "tickets_assignee_idx",
  "tickets_ci_kind_created_idx",
  "tickets_created_idx",
  "tickets_group_open_created_idx",
  "tickets_kind_category_created_idx",
  "tickets_kind_created_idx",
  "tickets_open_created_idx",
  "tickets_open_priority_idx",
  "tickets_requester_idx",
  "tickets_state_idx",
];

async function ticketIndexes(t: TestDb): Promise<string[]> {
  if (isPostgres(t.db)) {
    const { rows } = await sql<{ name: string }>`select indexname as name from pg_indexes
      where tablename = 'tickets' and schemaname = current_schema() and indexname not in (select conname from pg_constraint) and indexname <> 'tickets_search_idx'`.execute(t.db);
    return rows.map((r) => r.name).sort();
  }
  const { rows } = await sql<{ name: string }>`select name from pragma_index_list('tickets') where origin = 'c'`.execute(t.db);
  return rows.map((r) => r.name).sort();
}

/** SQLite's plan for a query, as its detail lines. */
async function plan(t: TestDb, text: string): Promise<string> {
  const { rows } = await sql<{ detail: string }>`explain query plan ${sql.raw(text)}`.execute(t.db);
  return rows.map((r) => r.detail).join("\n");
}

describe("ticket indexes (0023, 0024)", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => t.cleanup());

  it("are the ones the lists and problem suggestions read", async () => {
    expect(await ticketIndexes(t)).toEqual(EXPECTED);
  });

  it("serve the group queue, the priority sort and a CI's recent incidents (SQLite plans)", async () => {
    if (isPostgres(t.db)) return;
    // A group's open tickets newest first, in index order (no sort).
    const queue = await plan(t, "select id from tickets where assignment_group_id = 'g' and is_open = 1 order by created_at desc, id desc limit 50");
    expect(queue).toContain("tickets_group_open_created_idx");
    expect(queue).not.toContain("TEMP B-TREE");
    // A kind's queue of a group, sorted by priority: the group's open tickets from the index alone (0024).
    expect(await plan(t, "select id from tickets where kind = 'incident' and assignment_group_id = 'g' and is_open = 1 order by priority, id limit 50")).toContain(
      "COVERING INDEX tickets_group_open_created_idx",
    );
    // Open incidents by priority: the priority index, only the tie-break sorted.
    expect(await plan(t, "select id from tickets where kind = 'incident' and is_open = 1 order by priority, id limit 50")).toContain("tickets_open_priority_idx");
    // Problem suggestions count a CI's incidents of the window in one range.
    expect(await plan(t, "select count(*) from tickets where kind = 'incident' and ci_id = 'c' and created_at >= '2026-01-01' and state != 'canceled'")).toContain(
      "tickets_ci_kind_created_idx (ci_id=? AND kind=? AND created_at>?)",
    );
  });
});
