/** Generic webhook sources: a name and a mapping from the sender's JSON to alerts. */
import { randomUUID } from "node:crypto";
import type { CreateSourceBody, EventSource, FieldMapping, UpdateSourceBody } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { ConflictError, isUniqueViolation, NotFoundError, ValidationError } from "../../platform/errors.js";

type Row = { id: string; name: string; mapping: string; created_at: string; updated_at: string };
const toSource = (r: Row): EventSource => ({ id: r.id, name: r.name, mapping: JSON.parse(r.mapping) as FieldMapping, createdAt: r.created_at, updatedAt: r.updated_at });
const notFound = (id: string) => new NotFoundError("event_source.not_found", `No event source ${id}`, { field: "id" });
const taken = (name: string) => new ConflictError("event_source.name_taken", `An event source named ${name} exists`, { field: "name" });

/** GET /api/v1/events/sources. */
export async function listSources(db: Db, actor: Actor) {
  requirePermission(actor, "events.read");
  return { items: (await db.selectFrom("event_sources").selectAll().orderBy("name").execute()).map(toSource) };
}

/** GET /api/v1/events/sources/:id. */
export async function getSource(db: Db, actor: Actor, id: string): Promise<EventSource> {
  requirePermission(actor, "events.read");
  const row = await db.selectFrom("event_sources").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound(id);
  return toSource(row);
}

/** The source a webhook names (a 400: the URL's `source` names nothing known). */
export async function sourceByName(db: Db, name: string): Promise<EventSource> {
  const row = await db.selectFrom("event_sources").selectAll().where("name", "=", name).executeTakeFirst();
  if (!row) throw new ValidationError("event_source.unknown", `No event source named ${name}; create it under /api/v1/events/sources first`, { field: "source" });
  return toSource(row);
}

/** POST /api/v1/events/sources. */
export async function createSource(db: Db, actor: Actor, input: CreateSourceBody): Promise<EventSource> {
  requirePermission(actor, "events.admin");
  const now = new Date().toISOString();
  const row = { id: randomUUID(), name: input.name, mapping: JSON.stringify(input.mapping), created_at: now, updated_at: now };
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("event_sources").values(row).execute();
      await recordAudit(trx, actor, { action: "create", entity: "event_source", entityId: row.id, after: input });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw taken(input.name);
    throw err;
  }
  return toSource(row);
}

/** PATCH /api/v1/events/sources/:id. */
export async function updateSource(db: Db, actor: Actor, id: string, input: UpdateSourceBody): Promise<EventSource> {
  requirePermission(actor, "events.admin");
  const before = await getSource(db, actor, id);
  const now = new Date().toISOString();
  try {
    await db.transaction().execute(async (trx) => {
      await trx.updateTable("event_sources").set({ ...(input.name ? { name: input.name } : {}), ...(input.mapping ? { mapping: JSON.stringify(input.mapping) } : {}), updated_at: now }).where("id", "=", id).execute();
      await recordAudit(trx, actor, { action: "update", entity: "event_source", entityId: id, before, after: input });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw taken(input.name ?? "");
    throw err;
  }
  return getSource(db, actor, id);
}

/** DELETE /api/v1/events/sources/:id. */
export async function deleteSource(db: Db, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, "events.admin");
  const before = await getSource(db, actor, id);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("event_sources").where("id", "=", id).execute();
    await recordAudit(trx, actor, { action: "delete", entity: "event_source", entityId: id, before });
  });
}
