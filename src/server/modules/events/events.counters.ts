/**
 * Counters of duplicates that changed nothing else. A repeat of an alert whose stored row it
 * matches in every field but `occurrences` and `last_seen` (same labels, annotations, times,
 * status, silences, CI) is not written again by the ingest transaction: it is counted here and
 * the counts are added to the rows by a small update about once a second (the engine's sweep),
 * and at drain and shutdown. The alert itself is stored (its first copy was); only these two
 * counters can lag by that second, or lose it in a crash. Any change still goes through the
 * full write, and the comparison is made against the row read inside the ingest transaction,
 * so it holds with several nodes on one database.
 */
import { CompiledQuery } from "kysely";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { chunkSizes } from "./events.sql.js";

/** Counted repeats are added to their rows at each sweep, or sooner once this many fingerprints wait. */
export const PERSIST_AT = 1000;

/** Repeats of one fingerprint not yet added to its row. */
export interface CountedRepeat {
  fingerprint: string;
  count: number;
  /** ISO time of the latest repeat. */
  lastSeen: string;
}

/** Repeats counted in memory until the next persist. */
export class DuplicateCounters {
  readonly #counts = new Map<string, CountedRepeat>();

  /** Counts repeats that were acknowledged (their transaction committed). */
  add(repeats: CountedRepeat[]): void {
    for (const r of repeats) {
      const prev = this.#counts.get(r.fingerprint);
      if (!prev) this.#counts.set(r.fingerprint, { ...r });
      else {
        prev.count += r.count;
        if (r.lastSeen > prev.lastSeen) prev.lastSeen = r.lastSeen;
      }
    }
  }

  /** How many fingerprints have counts waiting. */
  get size(): number {
    return this.#counts.size;
  }

  /** Takes every waiting count (sorted by fingerprint: rows are locked in that order). */
  take(): CountedRepeat[] {
    const out = [...this.#counts.values()].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
    this.#counts.clear();
    return out;
  }
}

const sqliteText = new Map<number, string>();

/** Adds counted repeats to their rows (occurrences, last_seen); rows deleted meanwhile are skipped. */
export async function persistRepeats(db: DbOrTrx, repeats: CountedRepeat[]): Promise<void> {
  if (!repeats.length) return;
  if (isPostgres(db)) {
    const fps = repeats.map((r) => r.fingerprint);
    // Lock in fingerprint order, as ingest transactions do, so the two never deadlock.
    await db.executeQuery(CompiledQuery.raw(`select 1 from "alerts" where "fingerprint" = any($1::text[]) order by "fingerprint" for update`, [fps]));
    await db.executeQuery(
      CompiledQuery.raw(
        `update "alerts" as a set "occurrences" = a."occurrences" + v.n, "last_seen" = greatest(a."last_seen", v.seen)
         from unnest($1::text[], $2::int[], $3::timestamptz[]) as v(fp, n, seen) where a."fingerprint" = v.fp`,
        [fps, repeats.map((r) => r.count), repeats.map((r) => r.lastSeen)],
      ),
    );
    return;
  }
  let offset = 0;
  for (const size of chunkSizes(repeats.length)) {
    let text = sqliteText.get(size);
    if (!text) {
      const values = Array.from({ length: size }, () => "(?, ?, ?)").join(", ");
      text = `update "alerts" set "occurrences" = "occurrences" + v.column2, "last_seen" = max("last_seen", v.column3) from (values ${values}) as v where "alerts"."fingerprint" = v.column1`;
      sqliteText.set(size, text);
    }
    const params: unknown[] = [];
    for (let i = offset; i < offset + size; i++) params.push(repeats[i].fingerprint, repeats[i].count, repeats[i].lastSeen);
    await db.executeQuery(CompiledQuery.raw(text, params));
    offset += size;
  }
}
