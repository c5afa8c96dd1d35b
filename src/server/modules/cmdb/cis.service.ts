/** Configuration items: list, read, explicit create/edit/delete, history and field sources. */
import type { Ci, CiHistoryEntry, CreateCiBody, ListCiHistoryQuery, UpdateCiBody } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { ConflictError } from "../../platform/errors.js";
import { paginate, sortSpec } from "../../platform/list.js";
import { loadCatalog, requireClass } from "./classes.service.js";
import { findExisting } from "./cmdb.identify.js";
import { createCiRecord, deleteCiRecord, flattenInput, loadCi, updateCiRecord } from "./cis.records.js";

export { listCis } from "./cis.list.js";

/** Explicit edits through the API are a person's (or a script's) deliberate word. */
const MANUAL = "manual";

/** One CI. */
export async function getCi(db: Db, actor: Actor, id: string): Promise<Ci> {
  requirePermission(actor, "cmdb.read");
  return loadCi(db, id);
}

/** Creates a CI; refuses one that the class's identification rules say already exists. */
export async function createCi(db: Db, actor: Actor, input: CreateCiBody): Promise<Ci> {
  requirePermission(actor, "cmdb.write");
  return db.transaction().execute(async (trx) => {
    const catalog = await loadCatalog(trx);
    requireClass(catalog, input.class);
    const fields = flattenInput(input);
    const existing = await findExisting(trx, catalog, input);
    if (existing) {
      throw new ConflictError("cmdb.duplicate_ci", `This CI already exists as ${existing}; update it or use /api/v1/cis/identify`, { field: "identifiers", ciId: existing });
    }
    return createCiRecord(trx, { actor, source: MANUAL, catalog }, fields);
  });
}

/** Edits a CI; explicit edits win over every source and become the fields' source. */
export async function updateCi(db: Db, actor: Actor, id: string, input: UpdateCiBody): Promise<Ci> {
  requirePermission(actor, "cmdb.write");
  return db.transaction().execute(async (trx) => {
    const before = await loadCi(trx, id);
    const catalog = await loadCatalog(trx);
    return (await updateCiRecord(trx, { actor, source: MANUAL, catalog }, before, flattenInput(input))).ci;
  });
}

/** Deletes a CI and its relationships; its history stays readable. */
export async function deleteCi(db: Db, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, "cmdb.write");
  await db.transaction().execute(async (trx) => deleteCiRecord(trx, { actor, source: MANUAL }, await loadCi(trx, id)));
}

/** A CI's changes, newest first by default; still readable after the CI was deleted. */
export async function listCiHistory(db: Db, actor: Actor, id: string, query: ListCiHistoryQuery) {
  requirePermission(actor, "cmdb.read");
  const q = db.selectFrom("ci_history").selectAll().where("ci_id", "=", id);
  const page = await paginate(q, query, sortSpec(query.sort, { at: "id" }, "-at"), "id", (r): CiHistoryEntry => ({
    id: Number(r.id),
    ciId: r.ci_id,
    at: r.at,
    actorId: r.actor_id,
    actorName: r.actor_name,
    source: r.source,
    field: r.field,
    old: r.old_value === null ? null : JSON.parse(r.old_value),
    new: r.new_value === null ? null : JSON.parse(r.new_value),
  }));
  if (page.total === 0) await loadCi(db, id);
  return page;
}

/** Which source set each field of a CI, and when it was last confirmed. */
export async function listCiSources(db: Db, actor: Actor, id: string) {
  requirePermission(actor, "cmdb.read");
  await loadCi(db, id);
  const rows = await db.selectFrom("ci_attribute_sources").selectAll().where("ci_id", "=", id).orderBy("field").execute();
  return { items: rows.map((r) => ({ field: r.field, source: r.source, confirmedAt: r.confirmed_at })) };
}
