/**
 * How the bulk endpoint writes: per-item savepoints for items that need the careful path,
 * one savepoint around a group of multi-row inserts for items checked up front, the audit
 * entry and event such a group leaves, and the per-item error shape both produce.
 */
import { CompiledQuery, sql, type Insertable } from "kysely";
import { isPostgres } from "../../platform/db/dialect.js";
import { insertArrays, keptText } from "../../platform/db/multirow.js";
import type { Database, DbOrTrx } from "../../platform/db/schema.js";
import { AppError, isForeignKeyViolation, isUniqueViolation } from "../../platform/errors.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { auditRow } from "../../platform/audit.js";
import { outboxRow } from "../../platform/outbox.js";
import { nowIso } from "../../platform/time.js";
import { newId } from "./cmdb.ids.js";

/** What the answer says about an item that failed. */
export type ItemError = { error: string; message: string; field?: string };

/** An item's failure as the answer reports it; errors that are not the item's fault propagate. */
export function describe(err: unknown): ItemError {
  if (err instanceof AppError) {
    const field = typeof err.details.field === "string" ? err.details.field : undefined;
    return { error: err.code, message: err.message, ...(field ? { field } : {}) };
  }
  // Another writer took an identifier or a link between our check and our insert.
  if (isUniqueViolation(err)) return { error: "cmdb.conflict", message: "A concurrent write claimed the same identifier or relationship; retry the item" };
  throw err;
}

/** Runs `work` inside a savepoint: its writes stay only if it succeeds. */
export async function isolated<T>(trx: DbOrTrx, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: ItemError }> {
  await sql`savepoint bulk_item`.execute(trx);
  try {
    const value = await work();
    await sql`release savepoint bulk_item`.execute(trx);
    return { ok: true, value };
  } catch (err) {
    await sql`rollback to savepoint bulk_item`.execute(trx);
    await sql`release savepoint bulk_item`.execute(trx);
    return { ok: false, error: describe(err) };
  }
}

/**
 * Runs `work` (multi-row inserts) inside a savepoint; false, with nothing written, when the
 * database refuses it (a concurrent writer claimed a key, a CI vanished), so the caller can
 * redo the items one by one and report each. Other errors propagate.
 */
export async function allOrNothing(trx: DbOrTrx, work: () => Promise<void>): Promise<boolean> {
  await sql`savepoint bulk_group`.execute(trx);
  try {
    await work();
    await sql`release savepoint bulk_group`.execute(trx);
    return true;
  } catch (err) {
    await sql`rollback to savepoint bulk_group`.execute(trx);
    await sql`release savepoint bulk_group`.execute(trx);
    if (isUniqueViolation(err) || isForeignKeyViolation(err)) return false;
    throw err;
  }
}

/**
 * Inserts rows with as few multi-row statements as the parameter limit allows
 * (platform/db/multirow.ts): a batch's thousands of rows in one or two statements. Every row
 * has the same columns.
 */
export async function insertRows<T extends keyof Database & string>(db: DbOrTrx, table: T, rows: Array<Insertable<Database[T]>>): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]) as Array<keyof (typeof rows)[number] & string>;
  await insertArrays(db, table, columns, rows.map((row) => columns.map((c) => row[c] ?? null)), { chunking: "max" });
}

/**
 * The audit entry and the event of a group of CIs (`entity` "ci") or relationships
 * ("ci_relationship") created together by the bulk path: one `create` entry on a
 * `<entity>_batch` with the count and the ids, and one `<entity>.created` event whose payload
 * names them all (`ids`) instead of one event per record (`id`).
 */
export async function recordGroup(trx: DbOrTrx, actor: Actor, source: string, entity: "ci" | "ci_relationship", ids: string[]): Promise<void> {
  if (!ids.length) return;
  const at = nowIso();
  await insertRows(trx, "audit_log", [auditRow(actor, { action: "create", entity: `${entity}_batch`, entityId: newId(), after: { source, count: ids.length, ids } }, at)]);
  await insertRows(trx, "outbox", [outboxRow({ type: `${entity}.created`, payload: { ids, count: ids.length, source } }, at)]);
}

const IN_CHUNK = 2000;

/**
 * Rows of `select ... where ... <column> in (values)`, asked in chunks of a few thousand
 * values: `head` is the statement up to `in`, `params` its own parameters (written as `?`).
 * Written here for the reason insertRows is: Kysely builds an in-list value by value.
 */
export async function selectIn<R>(db: DbOrTrx, head: string, params: unknown[], values: unknown[]): Promise<R[]> {
  const pg = isPostgres(db);
  const out: R[] = [];
  for (let i = 0; i < values.length; i += IN_CHUNK) {
    const chunk = values.slice(i, i + IN_CHUNK);
    const text = keptText(`${pg ? "p" : "s"}${chunk.length}:in:${head}`, () => {
      let n = 0;
      return head.replace(/\?/g, () => (pg ? `$${++n}` : "?")) + ` in (${chunk.map(() => (pg ? `$${++n}` : "?")).join(", ")})`;
    });
    const result = await db.executeQuery<R>(CompiledQuery.raw(text, [...params, ...chunk]));
    for (const row of result.rows) out.push(row);
  }
  return out;
}
