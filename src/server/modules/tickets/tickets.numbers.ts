/**
 * Human ticket numbers (INC0001001), unique per kind even with several nodes writing at once:
 * a sequence per kind on PostgreSQL (no lock held until commit), a counter row on SQLite
 * (whose single writer already serialises creations).
 */
import { sql } from "kysely";
import type { Trx } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { param, runCompiled } from "./tickets.records.js";

/** Digits after the prefix; numbers grow past them rather than wrap. */
const WIDTH = 7;

/** Formats a sequence value with the kind's prefix. */
export function formatNumber(prefix: string, value: number): string {
  return `${prefix}${String(value).padStart(WIDTH, "0")}`;
}

/** Takes the next number of a kind inside the creating transaction. */
export async function nextNumber(trx: Trx, kind: string, prefix: string): Promise<string> {
  if (isPostgres(trx)) {
    const { rows } = await sql<{ v: string }>`select nextval(${`ticket_number_${kind}`}) as v`.execute(trx);
    return formatNumber(prefix, Number(rows[0].v));
  }
  // Compiled once: on the creation hot path building the query cost more than running it.
  const [row] = await runCompiled<{ next_value: number }>(trx, "next-number", () =>
    trx.updateTable("ticket_counters").set({ next_value: sql`next_value + 1` }).where("kind", "=", param("kind")).returning("next_value").compile(), { kind });
  if (!row) throw new Error(`No ticket counter for ${kind}`);
  return formatNumber(prefix, row.next_value - 1);
}

/** Takes the next `count` numbers of a kind at once (a group commit's), in order. */
export async function reserveNumbers(trx: Trx, kind: string, prefix: string, count: number): Promise<string[]> {
  if (count === 1) return [await nextNumber(trx, kind, prefix)];
  if (isPostgres(trx)) {
    const { rows } = await sql<{ v: string }>`select nextval(${`ticket_number_${kind}`}) as v from generate_series(1, ${count})`.execute(trx);
    return rows.map((r) => Number(r.v)).sort((a, b) => a - b).map((v) => formatNumber(prefix, v));
  }
  const [row] = await runCompiled<{ next_value: number }>(trx, "reserve-numbers", () =>
    trx.updateTable("ticket_counters").set({ next_value: sql`next_value + ${param("count")}` }).where("kind", "=", param("kind")).returning("next_value").compile(), { kind, count });
  if (!row) throw new Error(`No ticket counter for ${kind}`);
  return Array.from({ length: count }, (_, i) => formatNumber(prefix, row.next_value - count + i));
}
