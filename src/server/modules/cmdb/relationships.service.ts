/** Relationship types ("depends on / used by") and the typed, directional links between CIs. */
import type { Selectable } from "kysely";
import type { CiRef, CreateRelationshipBody, CreateRelationshipTypeBody, ListRelationshipsQuery, Relationship, RelationshipType } from "../../../contract/index.js";
import type { CiRelationshipsTable, CiRelationshipTypesTable, Db, DbOrTrx } from "../../platform/db/schema.js";
import { toBool } from "../../platform/db/dialect.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { auditRow, recordAudit } from "../../platform/audit.js";
import { emit, outboxRow } from "../../platform/outbox.js";
import { ConflictError, isUniqueViolation, NotFoundError, ValidationError } from "../../platform/errors.js";
import { paginate, sortSpec } from "../../platform/list.js";
import { nowIso } from "../../platform/time.js";
import { loadCi } from "./cis.records.js";
import { newId } from "./cmdb.ids.js";

function toType(row: Selectable<CiRelationshipTypesTable>): RelationshipType {
  return { name: row.name, label: row.label, reverseLabel: row.reverse_label, impact: row.impact as RelationshipType["impact"], builtin: toBool(row.builtin) };
}

function toRelationship(row: Selectable<CiRelationshipsTable>): Relationship {
  return { id: row.id, sourceId: row.source_id, type: row.type, targetId: row.target_id, dataSource: row.data_source, createdAt: row.created_at };
}

/** Every relationship type, keyed by name. */
export async function loadTypes(db: DbOrTrx): Promise<Map<string, RelationshipType>> {
  const rows = await db.selectFrom("ci_relationship_types").selectAll().orderBy("name").execute();
  return new Map(rows.map((r) => [r.name, toType(r)]));
}

/** Lists relationship types. */
export async function listRelationshipTypes(db: Db, actor: Actor): Promise<{ items: RelationshipType[] }> {
  requirePermission(actor, "cmdb.read");
  return { items: [...(await loadTypes(db)).values()] };
}

/** Adds a relationship type. */
export async function createRelationshipType(db: Db, actor: Actor, input: CreateRelationshipTypeBody): Promise<RelationshipType> {
  requirePermission(actor, "cmdb.admin");
  const row = { name: input.name, label: input.label.trim(), reverse_label: input.reverseLabel.trim(), impact: input.impact, builtin: false, created_at: nowIso() };
  try {
    return await db.transaction().execute(async (trx) => {
      await trx.insertInto("ci_relationship_types").values(row).execute();
      const created = toType(row);
      await recordAudit(trx, actor, { action: "create", entity: "ci_relationship_type", entityId: row.name, after: created });
      return created;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError("cmdb.relationship_type_exists", `A relationship type named "${input.name}" already exists`, { field: "name" });
    throw err;
  }
}

/**
 * Links two CIs; call inside a transaction. Returns the existing link with `created: false`
 * when it is already there; refuses self-links and unknown CIs or types.
 */
export async function linkCis(db: DbOrTrx, actor: Actor, source: string, input: CreateRelationshipBody): Promise<{ relationship: Relationship; created: boolean }> {
  const type = await db.selectFrom("ci_relationship_types").select("name").where("name", "=", input.type).executeTakeFirst();
  if (!type) throw unknownRelationshipType(input.type);
  if (input.sourceId === input.targetId) throw selfRelationship();
  await loadCi(db, input.sourceId);
  await loadCi(db, input.targetId);
  const existing = await db
    .selectFrom("ci_relationships")
    .selectAll()
    .where("source_id", "=", input.sourceId)
    .where("type", "=", input.type)
    .where("target_id", "=", input.targetId)
    .executeTakeFirst();
  if (existing) return { relationship: toRelationship(existing), created: false };
  const rows = linkRows(actor, source, input);
  await db.insertInto("ci_relationships").values(rows.relationship).execute();
  await db.insertInto("audit_log").values(rows.audit).execute();
  await db.insertInto("outbox").values(rows.outbox).execute();
  return { relationship: toRelationship(rows.relationship), created: true };
}

/** The 400 for a relationship type that does not exist. */
export function unknownRelationshipType(type: string): ValidationError {
  return new ValidationError("cmdb.unknown_relationship_type", `There is no relationship type "${type}"`, { field: "type" });
}

/** The 400 for a CI related to itself. */
export function selfRelationship(): ValidationError {
  return new ValidationError("cmdb.self_relationship", "A CI cannot be related to itself", { field: "targetId" });
}

/** Every row a new link writes: the relationship, its audit entry and its outbox event. Nothing is checked. */
export function linkRows(actor: Actor, source: string, input: CreateRelationshipBody) {
  const now = nowIso();
  const row = { id: newId(), source_id: input.sourceId, type: input.type, target_id: input.targetId, data_source: source, created_at: now };
  return {
    relationship: row,
    audit: auditRow(actor, { action: "create", entity: "ci_relationship", entityId: row.id, after: toRelationship(row) }, now),
    outbox: outboxRow({ type: "ci_relationship.created", payload: { id: row.id, sourceId: row.source_id, type: row.type, targetId: row.target_id } }, now),
  };
}

/** Creates a relationship; a duplicate is a 409. */
export async function createRelationship(db: Db, actor: Actor, input: CreateRelationshipBody): Promise<Relationship> {
  requirePermission(actor, "cmdb.write");
  try {
    return await db.transaction().execute(async (trx) => {
      const { relationship, created } = await linkCis(trx, actor, "manual", input);
      if (!created) throw duplicate(relationship.id);
      return relationship;
    });
  } catch (err) {
    // Two writers racing past the existence check meet the unique index instead.
    if (isUniqueViolation(err)) throw duplicate(null);
    throw err;
  }
}

function duplicate(id: string | null): ConflictError {
  return new ConflictError("cmdb.duplicate_relationship", "These CIs are already related by this type", { field: "type", ...(id ? { id } : {}) });
}

async function loadRelationship(db: DbOrTrx, id: string): Promise<Relationship> {
  const row = await db.selectFrom("ci_relationships").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError("ci_relationship.not_found", `No relationship ${id}`, { id });
  return toRelationship(row);
}

/** One relationship. */
export async function getRelationship(db: Db, actor: Actor, id: string): Promise<Relationship> {
  requirePermission(actor, "cmdb.read");
  return loadRelationship(db, id);
}

/** Lists relationships, optionally of one CI (either end) or one type. */
export async function listRelationships(db: Db, actor: Actor, query: ListRelationshipsQuery) {
  requirePermission(actor, "cmdb.read");
  let q = db.selectFrom("ci_relationships").selectAll();
  if (query.ciId) {
    const ciId = query.ciId;
    q = q.where((eb) => eb.or([eb("source_id", "=", ciId), eb("target_id", "=", ciId)]));
  }
  if (query.type) q = q.where("type", "=", query.type);
  return paginate(q, query, sortSpec(undefined, { createdAt: "created_at" }, "createdAt"), "id", toRelationship);
}

/** Deletes a relationship. */
export async function deleteRelationship(db: Db, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, "cmdb.write");
  await db.transaction().execute(async (trx) => {
    const before = await loadRelationship(trx, id);
    await trx.deleteFrom("ci_relationships").where("id", "=", id).execute();
    await recordAudit(trx, actor, { action: "delete", entity: "ci_relationship", entityId: id, before });
    await emit(trx, { type: "ci_relationship.deleted", payload: { id, sourceId: before.sourceId, type: before.type, targetId: before.targetId } });
  });
}

/** A CI's relationships in both directions, each named as read from this CI ("runs on" vs "runs"). */
export async function listCiRelationships(db: Db, actor: Actor, id: string) {
  requirePermission(actor, "cmdb.read");
  await loadCi(db, id);
  const types = await loadTypes(db);
  const outgoing = await db
    .selectFrom("ci_relationships as r")
    .innerJoin("cis as c", "c.id", "r.target_id")
    .select(["r.id", "r.type", "c.id as ci_id", "c.name", "c.class", "c.operational_status"])
    .where("r.source_id", "=", id)
    .execute();
  const incoming = await db
    .selectFrom("ci_relationships as r")
    .innerJoin("cis as c", "c.id", "r.source_id")
    .select(["r.id", "r.type", "c.id as ci_id", "c.name", "c.class", "c.operational_status"])
    .where("r.target_id", "=", id)
    .execute();
  const item = (direction: "outgoing" | "incoming") => (r: (typeof outgoing)[number]) => {
    const t = types.get(r.type);
    return {
      id: r.id,
      type: r.type,
      direction,
      label: (direction === "outgoing" ? t?.label : t?.reverseLabel) ?? r.type,
      ci: { id: r.ci_id, name: r.name, class: r.class, operationalStatus: r.operational_status as CiRef["operationalStatus"] },
    };
  };
  const items = [...outgoing.map(item("outgoing")), ...incoming.map(item("incoming"))];
  items.sort((a, b) => a.label.localeCompare(b.label) || a.ci.name.localeCompare(b.ci.name));
  return { items };
}
