/**
 * The bulk identify-and-reconcile endpoint: a batch of CIs and relationships in one
 * transaction. Each item succeeds or fails alone (a failing item leaves nothing behind while
 * the others commit) and the answer says per item what happened. The catalog, relationship
 * types and lookups are read once per batch; see bulk.cis.ts and bulk.relationships.ts.
 */
import type { BulkBody, BulkResult } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { loadCatalog } from "./classes.service.js";
import { loadTypes } from "./relationships.service.js";
import { reconcileCis } from "./bulk.cis.js";
import { lockIdentification, lockKeys } from "./cmdb.locks.js";
import { linkBatch } from "./bulk.relationships.js";
import { refreshCmdbStatistics } from "./cmdb.stats.js";
import { bulkThreadFor } from "./bulk.thread.js";

/** bulkReconcile, on the bulk thread when `db` has one (bulk.thread.ts), else here. */
export async function reconcileBatch(db: Db, actor: Actor, input: BulkBody): Promise<BulkResult> {
  requirePermission(actor, "cmdb.write");
  const thread = bulkThreadFor(db);
  return thread ? thread.reconcile(actor, input) : bulkReconcile(db, actor, input);
}

/** Identifies or creates every CI, then links the relationships; answers per item. */
export async function bulkReconcile(db: Db, actor: Actor, input: BulkBody): Promise<BulkResult> {
  requirePermission(actor, "cmdb.write");
  const source = input.source ?? "api";
  const result = await db.transaction().execute(async (trx) => {
    const items = input.cis ?? [];
    // Before any read: see cmdb.locks.ts.
    if (items.length) await lockIdentification(trx, () => items.flatMap((i) => lockKeys(i)));
    const catalog = await loadCatalog(trx);
    const cis = await reconcileCis(trx, actor, source, catalog, items, { locked: true });
    const relationships = input.relationships?.length ? await linkBatch(trx, actor, source, await loadTypes(trx), input.relationships, cis) : [];
    return { cis: cis.results, relationships };
  });
  // Bulk loads are what grow the CMDB by orders of magnitude; keep query plans in step.
  if (result.cis.some((c) => c.outcome === "created") || result.relationships.some((r) => r.outcome === "created")) await refreshCmdbStatistics(db);
  return result;
}
