/** Configuration items: list, read, explicit create/edit/delete, history and field sources. */
import type { Ci, CreateCiBody, UpdateCiBody } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { ConflictError } from "../../platform/errors.js";
import { loadCatalog, requireClass } from "./classes.service.js";
import { findExisting } from "./cmdb.identify.js";
import { createCiRecord, deleteCiRecord, flattenInput, loadCi, loadSources, updateCiRecord } from "./cis.records.js";

export { listCis } from "./cis.list.js";
export { listCiHistory } from "./cis.history.js";

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

/** Which source set each field of a CI, and when it was last confirmed. */
export async function listCiSources(db: Db, actor: Actor, id: string) {
  requirePermission(actor, "cmdb.read");
  const sources = await loadSources(db, await loadCi(db, id));
  const fields = [...sources.keys()].sort();
  return { items: fields.map((field) => ({ field, source: sources.get(field)![0], confirmedAt: sources.get(field)![1] })) };
}
