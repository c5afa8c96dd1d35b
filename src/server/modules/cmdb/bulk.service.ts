/**
 * The bulk identify-and-reconcile endpoint: a batch of CIs and relationships in one
 * transaction, each item inside a savepoint so that a failing item leaves nothing behind
 * while the others commit, and the answer says per item what happened.
 */
import { sql } from "kysely";
import type { BulkBody, BulkResult } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { AppError, isUniqueViolation, ValidationError } from "../../platform/errors.js";
import { loadCatalog } from "./classes.service.js";
import { identifyOrCreate } from "./cmdb.identify.js";
import { linkCis } from "./relationships.service.js";

type ItemError = { error: string; message: string; field?: string };

function describe(err: unknown): ItemError {
  if (err instanceof AppError) {
    const field = typeof err.details.field === "string" ? err.details.field : undefined;
    return { error: err.code, message: err.message, ...(field ? { field } : {}) };
  }
  // Another writer took an identifier or a link between our check and our insert.
  if (isUniqueViolation(err)) return { error: "cmdb.conflict", message: "A concurrent write claimed the same identifier or relationship; retry the item" };
  throw err;
}

/** Runs `work` inside a savepoint: its writes stay only if it succeeds. */
async function isolated<T>(trx: DbOrTrx, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: ItemError }> {
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

/** Identifies or creates every CI, then links the relationships; answers per item. */
export async function bulkReconcile(db: Db, actor: Actor, input: BulkBody): Promise<BulkResult> {
  requirePermission(actor, "cmdb.write");
  const source = input.source ?? "api";
  const result: BulkResult = { cis: [], relationships: [] };
  await db.transaction().execute(async (trx) => {
    const catalog = await loadCatalog(trx);
    const byRef = new Map<string, string>();
    for (const [index, item] of (input.cis ?? []).entries()) {
      const { ref, ...record } = item;
      const done = await isolated(trx, () => identifyOrCreate(trx, actor, source, record, catalog));
      if (done.ok) {
        if (ref) byRef.set(ref, done.value.ci.id);
        result.cis.push({ index, ...(ref ? { ref } : {}), outcome: done.value.outcome, id: done.value.ci.id });
      } else {
        result.cis.push({ index, ...(ref ? { ref } : {}), outcome: "error", error: done.error });
      }
    }
    for (const [index, rel] of (input.relationships ?? []).entries()) {
      const done = await isolated(trx, async () => {
        const sourceId = endpoint(rel.source, byRef, "source");
        const targetId = endpoint(rel.target, byRef, "target");
        return linkCis(trx, actor, source, { sourceId, type: rel.type, targetId });
      });
      result.relationships.push(
        done.ok
          ? { index, outcome: done.value.created ? "created" : "unchanged", id: done.value.relationship.id }
          : { index, outcome: "error", error: done.error },
      );
    }
  });
  return result;
}

function endpoint(end: { ref?: string; id?: string }, byRef: Map<string, string>, field: string): string {
  if (end.id && !end.ref) return end.id;
  if (end.ref && !end.id) {
    const id = byRef.get(end.ref);
    if (!id) throw new ValidationError("cmdb.unknown_ref", `No CI in this batch has ref "${end.ref}" (or it failed)`, { field: `${field}.ref` });
    return id;
  }
  throw new ValidationError("cmdb.bad_endpoint", `${field} needs exactly one of ref or id`, { field });
}
