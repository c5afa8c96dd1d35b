/**
 * Case-insensitive search must fold every letter, not only A-Z: SQLite's built-in lower()
 * leaves "É" as it is, so a search for "élodie" missed "Élodie". Searches with non-ASCII text
 * call `unicode_lower()`: on SQLite each connection registers it (platform/db/db.ts, Unicode
 * rules of JavaScript's toLowerCase); on PostgreSQL it is this wrapper around lower(), which
 * already folds by the database's Unicode ctype.
 * Frozen: never edit after release; add a new migration instead.
 */
import { sql, type Kysely } from "kysely";
import { isPostgres } from "../dialect.js";

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`create or replace function unicode_lower(value text) returns text language sql immutable parallel safe as 'select lower(value)'`.execute(db);
}
