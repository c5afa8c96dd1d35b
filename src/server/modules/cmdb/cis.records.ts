/**
 * The one place CI rows are written. Every write (API edit, identify, bulk) goes through
 * `createCiRecord` / `updateCiRecord`, which keep the identifiers, field sources (cis.sources,
 * see cis.sources.ts), history (one ci_changes row per write), audit trail and outbox in step.
 * Changes travel as flat field maps: `{ name, "attributes.os_version", "identifiers.ipAddresses", ... }`.
 */
import type { ExpressionBuilder, Insertable, Selectable } from "kysely";
import type { Ci, CiIdentifiers, CreateCiBody } from "../../../contract/index.js";
import type { CiChangesTable, CisTable, Database, DbOrTrx } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { actorLabel, auditRow, diffFields, recordAudit } from "../../platform/audit.js";
import { emit, outboxRow } from "../../platform/outbox.js";
import { ConflictError, NotFoundError, ValidationError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { requireClass, validateAttributes, type ClassCatalog } from "./classes.service.js";
import { insertRows } from "./bulk.write.js";
import { identifierRows, identifiersFromRows, IDENTIFIERS, normaliseIdentifiers, UNIQUE_KINDS, fieldOfKind } from "./cmdb.identifiers.js";
import { newId } from "./cmdb.ids.js";
import { readSources, singleSource, writeSources, type SourceEntry } from "./cis.sources.js";

/** Field name -> value; `null` clears an attribute or identifier. */
export type FlatFields = Record<string, unknown>;

/** The CI fields that are neither attributes nor identifiers, in the order history lists them. */
export const SCALARS = ["class", "name", "lifecycleStatus", "operationalStatus", "environment", "criticality", "ownerGroupId", "supportGroupId"] as const;
const COLUMN: Record<(typeof SCALARS)[number], keyof CisTable> = {
  class: "class",
  name: "name",
  lifecycleStatus: "lifecycle_status",
  operationalStatus: "operational_status",
  environment: "environment",
  criticality: "criticality",
  ownerGroupId: "owner_group_id",
  supportGroupId: "support_group_id",
};

function toCi(row: Selectable<CisTable>, ids: CiIdentifiers): Ci {
  return {
    id: row.id,
    class: row.class,
    name: row.name,
    attributes: JSON.parse(row.attributes),
    lifecycleStatus: row.lifecycle_status as Ci["lifecycleStatus"],
    operationalStatus: row.operational_status as Ci["operationalStatus"],
    environment: row.environment,
    criticality: row.criticality as Ci["criticality"],
    ownerGroupId: row.owner_group_id,
    supportGroupId: row.support_group_id,
    identifiers: ids,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Turns rows into CIs, fetching their identifiers in one query. */
export async function hydrateCis(db: DbOrTrx, rows: Selectable<CisTable>[]): Promise<Ci[]> {
  if (!rows.length) return [];
  const idRows = await db.selectFrom("ci_identifiers").select(["ci_id", "kind", "value"]).where("ci_id", "in", rows.map((r) => r.id)).execute();
  const byCi = new Map<string, Array<{ kind: string; value: string }>>();
  for (const r of idRows) byCi.set(r.ci_id, [...(byCi.get(r.ci_id) ?? []), r]);
  return rows.map((r) => toCi(r, identifiersFromRows(byCi.get(r.id) ?? [])));
}

/** One CI or null. */
export async function findCi(db: DbOrTrx, id: string): Promise<Ci | null> {
  return (await findCiWithSources(db, id))?.ci ?? null;
}

/** One CI and its fields' sources (read with it), or null. */
export async function findCiWithSources(db: DbOrTrx, id: string): Promise<{ ci: Ci; sources: Map<string, SourceEntry> } | null> {
  const row = await db.selectFrom("cis").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const ci = (await hydrateCis(db, [row]))[0];
  return { ci, sources: readSources(row.sources, flattenCi(ci)) };
}

/** The 404 for a CI id that names no CI. */
export function ciNotFound(id: string): NotFoundError {
  return new NotFoundError("ci.not_found", `No configuration item ${id}`, { id });
}

/** One CI or a 404. */
export async function loadCi(db: DbOrTrx, id: string): Promise<Ci> {
  const ci = await findCi(db, id);
  if (!ci) throw ciNotFound(id);
  return ci;
}

/** The fields a create/update/identify body sets, flattened; identifiers are normalised (pass them when already done). */
export function flattenInput(input: Partial<CreateCiBody>, normalised?: CiIdentifiers): FlatFields {
  const out: FlatFields = {};
  for (const f of SCALARS) if (input[f] !== undefined) out[f] = typeof input[f] === "string" && f === "name" ? (input[f] as string).trim() : input[f];
  for (const [k, v] of Object.entries(input.attributes ?? {})) out[`attributes.${k}`] = v;
  const ids = (normalised ?? normaliseIdentifiers(input.identifiers)) as Record<string, unknown>;
  // A key sent but emptied by normalisation (e.g. `ipAddresses: []`) clears it.
  for (const k of Object.keys(input.identifiers ?? {})) out[`identifiers.${k}`] = ids[k] ?? null;
  return out;
}

/** A CI as a flat map (the shape history and sources are kept in). */
export function flattenCi(ci: Ci): FlatFields {
  const out: FlatFields = {};
  for (const f of SCALARS) out[f] = ci[f];
  for (const [k, v] of Object.entries(ci.attributes)) out[`attributes.${k}`] = v;
  for (const [k, v] of Object.entries(ci.identifiers)) out[`identifiers.${k}`] = v;
  return out;
}

/** True when a change would not alter the value. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function applyFields(before: Ci, changes: FlatFields): Ci {
  const next: Ci = { ...before, attributes: { ...before.attributes }, identifiers: { ...before.identifiers } };
  for (const [field, value] of Object.entries(changes)) {
    const [head, rest] = field.includes(".") ? [field.slice(0, field.indexOf(".")), field.slice(field.indexOf(".") + 1)] : [field, ""];
    if (head === "attributes") {
      if (value === null) delete next.attributes[rest];
      else next.attributes[rest] = value;
    } else if (head === "identifiers") {
      const ids = next.identifiers as Record<string, unknown>;
      if (value === null) delete ids[rest];
      else ids[rest] = value;
    } else {
      (next as Record<string, unknown>)[head] = value;
    }
  }
  return next;
}

/** The checks of a write that need no database: class, name and attribute values. */
export function checkFields(catalog: ClassCatalog, before: Ci | null, after: Ci, changes: FlatFields): void {
  const classChanged = before !== null && before.class !== after.class;
  const written = classChanged
    ? after.attributes
    : Object.fromEntries(Object.entries(changes).filter(([f]) => f.startsWith("attributes.")).map(([f, v]) => [f.slice(11), v]));
  checkWritten(catalog, after, written);
}

/** checkFields with the attributes the write sets (null clears one) given as they were sent. */
export function checkWritten(catalog: ClassCatalog, after: Ci, written: Record<string, unknown>): void {
  requireClass(catalog, after.class);
  if (!after.name) throw new ValidationError("request.invalid", "name must not be empty", { field: "name" });
  validateAttributes(catalog, after.class, written, after.attributes);
}

/** The group fields a write sets, in the order they are checked. */
export const GROUP_FIELDS = ["ownerGroupId", "supportGroupId"] as const;

/** The 400 for a group id that names no group. */
export function unknownGroup(field: (typeof GROUP_FIELDS)[number], id: string): ValidationError {
  return new ValidationError("cmdb.unknown_group", `No group ${id}`, { field });
}

/** The 409 for a unique identifier that another CI holds. */
export function identifierTaken(kind: string, value: string, ciId: string): ConflictError {
  return new ConflictError("cmdb.identifier_taken", `${fieldOfKind(kind)} "${value}" already belongs to another CI`, { field: fieldOfKind(kind), ciId });
}

/** Checks the fields a write would leave behind: class, attributes, groups, unique identifiers. */
async function checkWrite(db: DbOrTrx, catalog: ClassCatalog, before: Ci | null, after: Ci, changes: FlatFields): Promise<void> {
  checkFields(catalog, before, after, changes);
  for (const field of GROUP_FIELDS) {
    const id = changes[field];
    if (typeof id !== "string") continue;
    const group = await db.selectFrom("groups").select("id").where("id", "=", id).executeTakeFirst();
    if (!group) throw unknownGroup(field, id);
  }
  for (const row of identifierRows(after.id, after.identifiers)) {
    if (!UNIQUE_KINDS.has(row.kind) || !(`identifiers.${keyOfKind(row.kind)}` in changes)) continue;
    const owner = await db.selectFrom("ci_identifiers").select("ci_id").where("kind", "=", row.kind).where("value", "=", row.value).where("ci_id", "!=", after.id).executeTakeFirst();
    if (owner) throw identifierTaken(row.kind, row.value, owner.ci_id);
  }
}

function keyOfKind(kind: string): string {
  return Object.entries(IDENTIFIERS).find(([, s]) => s.kind === kind)?.[0] ?? kind;
}

/** Who writes, as which source, against which class catalog. */
export interface WriteContext {
  actor: Actor;
  source: string;
  catalog: ClassCatalog;
}

/** The history row of one write: every changed field with its old and new value. */
export function changeRow(w: Pick<WriteContext, "actor" | "source">, ciId: string, before: FlatFields, changes: FlatFields, at: string, actorName: string = actorLabel(w.actor)): Insertable<CiChangesTable> {
  const doc: Record<string, [unknown, unknown]> = {};
  let n = 0;
  for (const field in changes) {
    doc[field] = [before[field] ?? null, changes[field] ?? null];
    n++;
  }
  return { ci_id: ciId, at, actor_id: w.actor.id, actor_name: actorName, source: w.source, changes: JSON.stringify(doc), field_count: n };
}

/** Every field's source of a stored CI (see cis.sources.ts). */
export async function loadSources(db: DbOrTrx, ci: Ci): Promise<Map<string, SourceEntry>> {
  const row = await db.selectFrom("cis").select("sources").where("id", "=", ci.id).executeTakeFirst();
  return readSources(row?.sources, flattenCi(ci));
}

/** A CI that does not exist yet, built from flat fields (class and name required); nothing is checked or written. */
export function newCi(fields: FlatFields, now: string = nowIso()): Ci {
  const blank: Ci = {
    id: newId(),
    class: "",
    name: "",
    attributes: {},
    lifecycleStatus: "in_service",
    operationalStatus: "unknown",
    environment: null,
    criticality: null,
    ownerGroupId: null,
    supportGroupId: null,
    identifiers: {},
    createdAt: now,
    updatedAt: now,
  };
  return applyFields(blank, fields);
}

/**
 * The CI a create body describes, as newCi(flattenInput(input, identifiers)) builds it, without
 * the flat map in between (the bulk path builds thousands per batch). `identifiers` are the
 * body's, normalised.
 */
export function ciFromInput(input: CreateCiBody, identifiers: CiIdentifiers, now: string): Ci {
  const attributes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input.attributes ?? {})) if (v !== null) attributes[k] = v;
  const given = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);
  return {
    id: newId(),
    class: given(input.class, ""),
    name: typeof input.name === "string" ? input.name.trim() : given(input.name, ""),
    attributes,
    lifecycleStatus: given(input.lifecycleStatus, "in_service"),
    operationalStatus: given(input.operationalStatus, "unknown"),
    environment: given(input.environment, null),
    criticality: given(input.criticality, null),
    ownerGroupId: given(input.ownerGroupId, null),
    supportGroupId: given(input.supportGroupId, null),
    identifiers: { ...identifiers },
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * A creation's history row holds no values: its document is `{"+": {<group field>: <id>}}`,
 * and the values the CI was created with are rebuilt when the history is read, from the CI as
 * it is now (or as its deletion row kept it) and the old values of the writes after it
 * (creationDoc in cis.history.ts). Only the group ids are kept, because deleting a group clears
 * them in the CI without a write of its own. Copying every field into the row made history the
 * largest thing a bulk load wrote (twice the bytes of the CI row). `field_count` is what the
 * full document would hold: the fields the CI was created with that are not null.
 */
export const CREATED_MARK = "+";

function creationChange(w: Pick<WriteContext, "actor" | "source">, ci: Ci, actorName: string): Insertable<CiChangesTable> {
  let n = 0;
  for (const f of SCALARS) if (ci[f] !== null && ci[f] !== undefined) n++;
  for (const k in ci.attributes) if (ci.attributes[k] !== null && ci.attributes[k] !== undefined) n++;
  const ids = ci.identifiers as Record<string, unknown>;
  for (const k in ids) if (ids[k] !== null && ids[k] !== undefined) n++;
  let groups = "";
  for (const f of GROUP_FIELDS) if (typeof ci[f] === "string") groups += `${groups ? "," : ""}"${f}":${JSON.stringify(ci[f])}`;
  return { ci_id: ci.id, at: ci.createdAt, actor_id: w.actor.id, actor_name: actorName, source: w.source, changes: `{"${CREATED_MARK}":{${groups}}}`, field_count: n };
}

/**
 * The rows the creation of `ci` writes, table by table: the CI (its fields' source in it), its
 * identifiers and its history entry. The audit entry and the event are the caller's: one per
 * CI for a single write, one per group for a bulk write.
 */
export function creationRows(w: Pick<WriteContext, "actor" | "source">, ci: Ci, actorName: string = actorLabel(w.actor)) {
  const now = ci.createdAt;
  return {
    ci: {
      id: ci.id,
      class: ci.class,
      name: ci.name,
      attributes: JSON.stringify(ci.attributes),
      lifecycle_status: ci.lifecycleStatus,
      operational_status: ci.operationalStatus,
      environment: ci.environment,
      criticality: ci.criticality,
      owner_group_id: ci.ownerGroupId,
      support_group_id: ci.supportGroupId,
      sources: singleSource(w.source, now),
      created_at: now,
      updated_at: now,
    } satisfies Insertable<CisTable>,
    identifiers: identifierRows(ci.id, ci.identifiers),
    change: creationChange(w, ci, actorName),
  };
}

/** Creates a CI from flat fields (class and name required); call inside a transaction. */
export async function createCiRecord(db: DbOrTrx, w: WriteContext, fields: FlatFields): Promise<Ci> {
  const ci = newCi(fields);
  await checkWrite(db, w.catalog, null, ci, fields);
  const rows = creationRows(w, ci);
  await db.insertInto("cis").values(rows.ci).execute();
  if (rows.identifiers.length) await db.insertInto("ci_identifiers").values(rows.identifiers).execute();
  await db.insertInto("ci_changes").values(rows.change).execute();
  await db.insertInto("audit_log").values(auditRow(w.actor, { action: "create", entity: "ci", entityId: ci.id, after: ci }, ci.createdAt)).execute();
  await db.insertInto("outbox").values(outboxRow({ type: "ci.created", payload: { id: ci.id, class: ci.class, source: w.source } }, ci.createdAt)).execute();
  return ci;
}

/**
 * Applies changed fields to a CI and refreshes the confirmation time of `confirmed` ones (and
 * of every field sent); call inside a transaction. Fields whose value would not change are
 * ignored. `sources` are the CI's field sources when the caller has read them already.
 */
export async function updateCiRecord(
  db: DbOrTrx,
  w: WriteContext,
  before: Ci,
  fields: FlatFields,
  confirmed: string[] = [],
  sources?: Map<string, SourceEntry>,
): Promise<{ ci: Ci; changed: string[] }> {
  const old = flattenCi(before);
  const changes = Object.fromEntries(Object.entries(fields).filter(([f, v]) => !sameValue(old[f], v)));
  const changed = Object.keys(changes);
  const now = nowIso();
  const owners = new Map(sources ?? (await loadSources(db, before)));
  for (const field of [...confirmed, ...Object.keys(fields)]) owners.set(field, [w.source, now]);
  if (!changed.length) {
    await db.updateTable("cis").set({ sources: writeSources(owners, old) }).where("id", "=", before.id).execute();
    return { ci: before, changed };
  }
  const after = { ...applyFields(before, changes), updatedAt: now };
  await checkWrite(db, w.catalog, before, after, changes);
  const set: Record<string, unknown> = { updated_at: now, sources: writeSources(owners, flattenCi(after)) };
  for (const f of SCALARS) if (f in changes) set[COLUMN[f]] = after[f];
  if (changed.some((f) => f.startsWith("attributes."))) set.attributes = JSON.stringify(after.attributes);
  await db.updateTable("cis").set(set).where("id", "=", before.id).execute();
  for (const field of changed.filter((f) => f.startsWith("identifiers."))) {
    const key = field.slice(12) as keyof CiIdentifiers;
    const kind = IDENTIFIERS[key].kind;
    await db.deleteFrom("ci_identifiers").where("ci_id", "=", before.id).where("kind", "=", kind).execute();
    const rows = identifierRows(before.id, { [key]: after.identifiers[key] } as CiIdentifiers).filter((r) => r.kind === kind);
    if (rows.length) await db.insertInto("ci_identifiers").values(rows).execute();
  }
  await db.insertInto("ci_changes").values(changeRow(w, before.id, old, changes, now)).execute();
  await recordAudit(db, w.actor, { action: "update", entity: "ci", entityId: before.id, ...diffFields(before, after) });
  await emit(db, { type: "ci.updated", payload: { id: before.id, fields: changed, source: w.source } });
  return { ci: after, changed };
}

/**
 * Deletes a CI (its identifiers, sources and relationships go with it; its history stays).
 * Its relationships are deleted here rather than left to the foreign keys' cascade, so each
 * leaves the audit entry and the `ci_relationship.deleted` event an explicit delete leaves.
 */
export async function deleteCiRecord(db: DbOrTrx, w: Omit<WriteContext, "catalog">, before: Ci): Promise<void> {
  const now = nowIso();
  await db.insertInto("ci_changes").values(changeRow(w, before.id, { "*": before }, { "*": null }, now)).execute();
  const ofThisCi = (eb: ExpressionBuilder<Database, "ci_relationships">) => eb.or([eb("source_id", "=", before.id), eb("target_id", "=", before.id)]);
  const links = await db.selectFrom("ci_relationships").selectAll().where(ofThisCi).orderBy("created_at").orderBy("id").execute();
  if (links.length) {
    await db.deleteFrom("ci_relationships").where(ofThisCi).execute();
    const relationship = (l: (typeof links)[number]) => ({ id: l.id, sourceId: l.source_id, type: l.type, targetId: l.target_id, dataSource: l.data_source, createdAt: l.created_at });
    await insertRows(db, "audit_log", links.map((l) => auditRow(w.actor, { action: "delete", entity: "ci_relationship", entityId: l.id, before: relationship(l) }, now)));
    await insertRows(
      db,
      "outbox",
      links.map((l) => outboxRow({ type: "ci_relationship.deleted", payload: { id: l.id, sourceId: l.source_id, type: l.type, targetId: l.target_id, deletedWithCi: before.id } }, now)),
    );
  }
  await db.deleteFrom("cis").where("id", "=", before.id).execute();
  await recordAudit(db, w.actor, { action: "delete", entity: "ci", entityId: before.id, before });
  await emit(db, { type: "ci.deleted", payload: { id: before.id, class: before.class, source: w.source } });
}
