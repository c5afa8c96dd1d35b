/**
 * The ticket full-text index (SQLite) merges 16 segments at a time instead of 4. FTS5 writes a
 * segment per transaction and merges by itself (automerge) as new segments are written: every
 * 64 leaf pages, up to 64 pages of merging per level of the index, inside the transaction that
 * crossed the mark. Merging four at a time makes many levels, each page is rewritten at every
 * one, and the merge steps were the longest stalls of a ticket creation's group commit. With 16,
 * a standalone replay (tickets in transactions of 20, the group commit's size at 2,000
 * creations a second) spent 13-15% less time writing, and the slowest transactions were about
 * half as long: p99 4.9 against 13.6 ms at 60,000 tickets, 9.7 against 18.1 ms at 240,000 (max
 * 21 against 27). The index keeps more segments (15-30 against 12), and a prefix search probes
 * them all: 5-7% slower there, and the periodic merge job (tickets.search-merge.ts) still brings
 * them down. A level is merged in one go past 32 segments (crisismerge, from 16, which would
 * otherwise come first).
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";
import { isPostgres } from "../dialect.js";

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return;
  await sql`insert into tickets_fts(tickets_fts, rank) values ('automerge', 16)`.execute(db);
  await sql`insert into tickets_fts(tickets_fts, rank) values ('crisismerge', 32)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return;
  await sql`insert into tickets_fts(tickets_fts, rank) values ('automerge', 4)`.execute(db);
  await sql`insert into tickets_fts(tickets_fts, rank) values ('crisismerge', 16)`.execute(db);
}
