/**
 * The alert journal on SQLite: a file of its own beside the database (`<name>.alerts.sqlite`),
 * with its own connection. Appending to it never waits for a transaction on the main database
 * (a fold holds the main connection for its whole transaction, and better-sqlite3 has one
 * connection per handle), and costs one prepared insert, committed before the 200 is sent
 * (WAL, synchronous=NORMAL: the same durability as the main database, which survives kill -9).
 *
 * A fold reads the rows after the "folded up to" mark that the main database keeps in
 * `settings`, and moves the mark in the same transaction as the folded alerts: a crash after
 * that commit leaves rows the mark already covers (pruned later, never folded twice); a crash
 * before it leaves the mark where it was (the rows are folded again in full, as nothing of them
 * was committed). Ids are rowids (max + 1; AUTOINCREMENT would write a second page per
 * append, ~8 us more CPU each): the prune keeps the row at the mark, so the next id is always
 * past it, and a lost or new file gets such a row first. A new row is never hidden under the mark.
 */
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { startCheckpointer } from "../../platform/db/db.js";

/** One journal row: one group commit's alerts as a JSON array. */
export interface JournalFileRow {
  id: number;
  count: number;
  alerts: string;
}

/** The journal file of an SQLite database file (":memory:" for an in-memory database). */
export function journalFileFor(mainFile: string): string {
  if (!mainFile || mainFile === ":memory:") return ":memory:";
  const ext = path.extname(mainFile);
  return path.join(path.dirname(mainFile), `${path.basename(mainFile, ext)}.alerts${ext || ".sqlite"}`);
}

/** The journal file and its prepared statements (all synchronous). */
export class JournalFile {
  readonly #db: BetterSqlite3.Database;
  readonly #insert: BetterSqlite3.Statement<[string, number, string]>;
  readonly #after: BetterSqlite3.Statement<[number, number]>;
  readonly #hasAfter: BetterSqlite3.Statement<[number]>;
  readonly #countsAfter: BetterSqlite3.Statement<[number, number]>;
  readonly #range: BetterSqlite3.Statement<[number, number]>;
  readonly #prune: BetterSqlite3.Statement<[number]>;

  readonly #checkpointer: { stop(): void } | null;

  /**
   * `checkpointer`: the appending handle runs the file's WAL checkpoints on a thread of their own
   * (as the main database does): otherwise the append that crosses 1,000 WAL pages would copy
   * them and wait for the file's fsync on the event loop.
   */
  constructor(
    readonly file: string,
    options: { checkpointer?: boolean } = {},
  ) {
    this.#db = new BetterSqlite3(file);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = NORMAL");
    this.#db.pragma("busy_timeout = 5000");
    this.#db.exec(`create table if not exists "alert_journal" ("id" integer primary key, "received_at" text not null, "count" integer not null, "alerts" text not null)`);
    this.#checkpointer = options.checkpointer && file !== ":memory:" ? startCheckpointer(this.#db, file) : null;
    this.#insert = this.#db.prepare(`insert into "alert_journal" ("received_at", "count", "alerts") values (?, ?, ?)`);
    this.#after = this.#db.prepare(`select "id", "count", "alerts" from "alert_journal" where "id" > ? order by "id" limit ?`);
    this.#hasAfter = this.#db.prepare(`select 1 from "alert_journal" where "id" > ? limit 1`).pluck();
    // Reads the head of each record only ("alerts", the last column, is not needed to count).
    this.#countsAfter = this.#db.prepare(`select "id", "count" from "alert_journal" where "id" > ? order by "id" limit ?`).raw();
    this.#range = this.#db.prepare(`select "id", "count", "alerts" from "alert_journal" where "id" >= ? and "id" <= ? order by "id"`);
    this.#prune = this.#db.prepare(`delete from "alert_journal" where "id" < ?`);
  }

  /**
   * Makes the next id larger than `mark` (the main database's "folded up to"): after the file
   * was lost or replaced, its ids would start again at 1 and new rows would look folded. An
   * empty row at the mark does it (never read: reads start after the mark).
   */
  ensureIdsAfter(mark: number): void {
    if (mark <= 0) return;
    this.#db.prepare(`insert into "alert_journal" ("id", "received_at", "count", "alerts") select ?, ?, 0, '[]' where coalesce((select max("id") from "alert_journal"), 0) < ?`).run(mark, new Date().toISOString(), mark);
  }

  /** Appends one group commit's alerts (already JSON) as one committed row; returns its id. */
  append(count: number, alertsJson: string): number {
    return Number(this.#insert.run(new Date().toISOString(), count, alertsJson).lastInsertRowid);
  }

  /** Up to `limit` rows after `mark`, oldest first. */
  rowsAfter(mark: number, limit: number): JournalFileRow[] {
    return this.#after.all(mark, limit) as JournalFileRow[];
  }

  /**
   * The oldest rows after `mark` holding at most `maxAlerts` alerts between them (always at
   * least one row), up to `maxRows` rows; `more` when rows are left after them. Counts are read
   * first, so a fold of many small rows (batches of 1) is not cut short by a row limit, and a
   * fold of large rows does not read rows it will not take.
   */
  batchAfter(mark: number, maxAlerts: number, maxRows: number): { rows: JournalFileRow[]; more: boolean } {
    const heads = this.#countsAfter.all(mark, maxRows + 1) as Array<[number, number]>;
    if (!heads.length) return { rows: [], more: false };
    let n = 0;
    let last = 0;
    for (; last < heads.length && last < maxRows; last++) {
      if (last > 0 && n + heads[last][1] > maxAlerts) break;
      n += heads[last][1];
    }
    return { rows: this.#range.all(heads[0][0], heads[last - 1][0]) as JournalFileRow[], more: last < heads.length };
  }

  /** True when a row after `mark` is there. */
  hasRowsAfter(mark: number): boolean {
    return this.#hasAfter.get(mark) !== undefined;
  }

  /** Deletes the rows before `mark` (folded and committed in the main database); the row at the mark stays, so ids go on past it. */
  prune(mark: number): void {
    this.#prune.run(mark);
  }

  /** Closes the connection. */
  close(): void {
    this.#checkpointer?.stop();
    if (this.#db.open) this.#db.close();
  }
}
