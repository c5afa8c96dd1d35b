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
