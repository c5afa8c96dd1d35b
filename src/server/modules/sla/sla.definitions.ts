/** SLA, OLA and underpinning-contract definitions: CRUD for admins and the engine's view of them. */
import { randomUUID } from "node:crypto";
import { sql, type Selectable } from "kysely";
import { CALENDAR_24X7_ID, type SlaDefinition, type SlaDefinitionInput, type UpdateSlaDefinitionBody } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import type { SlaDefinitionsTable } from "../../platform/db/schema.sla.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { toBool } from "../../platform/db/dialect.js";
import { ConflictError, NotFoundError, ValidationError, isUniqueViolation } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { rulesOf, type EngineDefinition, type SlaRules } from "./sla.rules.js";

/** The API shape of a stored definition. */
export function toDefinition(r: Selectable<SlaDefinitionsTable>): SlaDefinition {
  const rules = JSON.parse(r.rules) as SlaRules;
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    type: r.type as SlaDefinition["type"],
    target: r.target as SlaDefinition["target"],
    durationMinutes: r.duration_minutes,
    calendarId: r.calendar_id,
    ...rules,
    active: toBool(r.active),
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** What the clock engine needs of a definition (stored or under preview). */
export function toEngine(d: Pick<SlaDefinition, "id" | "name" | "type" | "target" | "durationMinutes" | "calendarId"> & SlaRules, activeFrom: number): EngineDefinition {
  const { id, name, type, target, durationMinutes, calendarId, ...rest } = d;
  return { id, name, type, target, targetMs: durationMinutes * 60_000, calendarId, activeFrom, rules: rulesOf({ target, ...rest }) };
}

/** The engine view of an input that is not stored (preview); it applies over the ticket's whole history. */
export function engineOfInput(input: SlaDefinitionInput, id = "preview"): EngineDefinition {
  return toEngine({ id, name: input.name, type: input.type ?? "sla", target: input.target, durationMinutes: input.durationMinutes, calendarId: input.calendarId ?? CALENDAR_24X7_ID, ...rulesOf(input) }, -Infinity);
}

/** Active definitions, for attaching clocks. */
export async function activeDefinitions(db: DbOrTrx): Promise<SlaDefinition[]> {
  const rows = await db.selectFrom("sla_definitions").selectAll().where("active", "=", true).execute();
  return rows.map(toDefinition);
}

/** Refuses an unknown calendar or a blank name, naming the field. */
export async function checkInput(db: DbOrTrx, input: Partial<SlaDefinitionInput>): Promise<void> {
  if (input.calendarId !== undefined) {
    const cal = await db.selectFrom("sla_calendars").select("id").where("id", "=", input.calendarId).executeTakeFirst();
    if (!cal) throw new ValidationError("sla.calendar_not_found", `No calendar ${input.calendarId}`, { field: "calendarId" });
  }
  if (input.name !== undefined && input.name.trim() === "") throw new ValidationError("sla.name_required", "The name must not be blank", { field: "name" });
}

/** Every definition, by name. */
export async function listDefinitions(db: DbOrTrx, actor: Actor): Promise<{ items: SlaDefinition[] }> {
  requirePermission(actor, "sla.read");
  const rows = await db.selectFrom("sla_definitions").selectAll().orderBy("name").execute();
  return { items: rows.map(toDefinition) };
}

/** One definition. */
export async function getDefinition(db: DbOrTrx, actor: Actor, id: string): Promise<SlaDefinition> {
  requirePermission(actor, "sla.read");
  const row = await db.selectFrom("sla_definitions").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError("sla.definition_not_found", `No SLA definition ${id}`, { id });
  return toDefinition(row);
}

function rulesJson(input: SlaDefinitionInput): string {
  return JSON.stringify(rulesOf(input));
}

/** Creates a definition; it attaches to tickets on their changes from now on. */
export async function createDefinition(db: DbOrTrx, actor: Actor, input: SlaDefinitionInput): Promise<SlaDefinition> {
  requirePermission(actor, "sla.admin");
  await checkInput(db, input);
  const id = randomUUID();
  const now = nowIso();
  try {
    await db
      .insertInto("sla_definitions")
      .values({ id, name: input.name.trim(), description: input.description ?? "", type: input.type ?? "sla", target: input.target, duration_minutes: input.durationMinutes, calendar_id: input.calendarId ?? CALENDAR_24X7_ID, rules: rulesJson(input), active: input.active ?? true, version: 1, created_at: now, updated_at: now })
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError("sla.definition_name_taken", `A definition named "${input.name}" exists`, { field: "name" });
    throw err;
  }
  const created = await getDefinition(db, actor, id);
  await recordAudit(db, actor, { action: "create", entity: "sla_definition", entityId: id, after: created });
  return created;
}

/** Edits a definition; clocks already running keep the definition they started with. */
export async function updateDefinition(db: DbOrTrx, actor: Actor, id: string, input: UpdateSlaDefinitionBody): Promise<SlaDefinition> {
  requirePermission(actor, "sla.admin");
  const before = await getDefinition(db, actor, id);
  if (input.version !== undefined && input.version !== before.version) throw new ConflictError("sla.stale", `The definition changed since version ${input.version}; reload it`, { version: before.version });
  await checkInput(db, input);
  const { version: _v, ...changes } = input;
  const merged: SlaDefinitionInput = { ...before, description: before.description, ...changes } as SlaDefinitionInput;
  // A new target type takes its own default stop conditions unless stops are given.
  if (input.target && input.target !== before.target && !input.stopWhen) delete merged.stopWhen;
  try {
    const done = await db
      .updateTable("sla_definitions")
      .set({ name: merged.name.trim(), description: merged.description ?? "", type: merged.type ?? "sla", target: merged.target, duration_minutes: merged.durationMinutes, calendar_id: merged.calendarId ?? CALENDAR_24X7_ID, rules: rulesJson(merged), active: merged.active ?? true, version: sql`version + 1`, updated_at: nowIso() })
      .where("id", "=", id)
      .where("version", "=", before.version)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new ConflictError("sla.stale", "The definition changed meanwhile; reload it", { version: before.version });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError("sla.definition_name_taken", `A definition named "${merged.name}" exists`, { field: "name" });
    throw err;
  }
  const after = await getDefinition(db, actor, id);
  await recordAudit(db, actor, { action: "update", entity: "sla_definition", entityId: id, before, after });
  return after;
}

/** Deletes a definition that never measured a ticket (deactivate the others instead). */
export async function deleteDefinition(db: DbOrTrx, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, "sla.admin");
  const before = await getDefinition(db, actor, id);
  const used = await db.selectFrom("ticket_slas").select("id").where("definition_id", "=", id).executeTakeFirst();
  if (used) throw new ConflictError("sla.definition_in_use", `"${before.name}" has measured tickets; deactivate it instead (active: false)`, { id });
  await db.deleteFrom("sla_definitions").where("id", "=", id).execute();
  await recordAudit(db, actor, { action: "delete", entity: "sla_definition", entityId: id, before });
}
