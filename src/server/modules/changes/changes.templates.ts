/**
 * Standard change templates: pre-approved, pre-filled changes. A change created with
 * `change.templateId` is a standard change: it takes the template's plans and risk (unless
 * the request gives its own), its planned end follows from the template's usual duration,
 * and its flow skips assessment and approval (New -> Scheduled).
 */
import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { ChangeRiskLevel, ChangeTemplate, CreateChangeTemplateBody, ListChangeTemplatesQuery, UpdateChangeTemplateBody } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import type { ChangeTemplatesTable } from "../../platform/db/schema.changes.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { diffFields, recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { toBool } from "../../platform/db/dialect.js";
import { ConflictError, isUniqueViolation, NotFoundError, ValidationError } from "../../platform/errors.js";
import { containsAny, paginate, sortSpec } from "../../platform/list.js";
import { nowIso } from "../../platform/time.js";

const SORTS = { name: "name", createdAt: "created_at" };

function toTemplate(r: Selectable<ChangeTemplatesTable>): ChangeTemplate {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    title: r.title,
    category: r.category,
    justification: r.justification,
    implementationPlan: r.implementation_plan,
    backoutPlan: r.backout_plan,
    testPlan: r.test_plan,
    risk: r.risk as ChangeRiskLevel,
    durationMinutes: r.duration_minutes,
    active: toBool(r.active),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

async function loadTemplate(db: DbOrTrx, id: string): Promise<ChangeTemplate> {
  const row = await db.selectFrom("change_templates").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError("change_template.not_found", `No change template ${id}`, { id });
  return toTemplate(row);
}

/** The active template a standard change is created from, or 400 naming change.templateId. */
export async function usableTemplate(db: DbOrTrx, id: string): Promise<ChangeTemplate> {
  const row = await db.selectFrom("change_templates").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new ValidationError("change.unknown_template", `No change template ${id}`, { field: "change.templateId" });
  const template = toTemplate(row);
  if (!template.active) throw new ValidationError("change.template_inactive", `The template "${template.name}" is no longer in use`, { field: "change.templateId" });
  return template;
}

/** Lists templates with search, the active filter and pagination. */
export async function listTemplates(db: Db, actor: Actor, query: ListChangeTemplatesQuery) {
  requirePermission(actor, "tickets.read");
  let q = db.selectFrom("change_templates").selectAll();
  if (query.q) q = q.where(containsAny(["name", "description"], query.q));
  if (query.active !== undefined) q = q.where("active", "=", query.active);
  return paginate(q, query, sortSpec(query.sort, SORTS, "name"), "id", toTemplate);
}

/** One template. */
export async function getTemplate(db: Db, actor: Actor, id: string): Promise<ChangeTemplate> {
  requirePermission(actor, "tickets.read");
  return loadTemplate(db, id);
}

function nameTaken(name: string) {
  return new ConflictError("change_template.name_taken", `A change template named "${name}" already exists`, { field: "name" });
}

type TemplateInput = UpdateChangeTemplateBody;
function columns(input: TemplateInput) {
  const set: Partial<Selectable<ChangeTemplatesTable>> = {};
  if (input.name !== undefined) set.name = input.name.trim();
  if (input.description !== undefined) set.description = input.description;
  if (input.title !== undefined) set.title = input.title;
  if (input.category !== undefined) set.category = input.category;
  if (input.justification !== undefined) set.justification = input.justification;
  if (input.implementationPlan !== undefined) set.implementation_plan = input.implementationPlan;
  if (input.backoutPlan !== undefined) set.backout_plan = input.backoutPlan;
  if (input.testPlan !== undefined) set.test_plan = input.testPlan;
  if (input.risk !== undefined) set.risk = input.risk;
  if (input.durationMinutes !== undefined) set.duration_minutes = input.durationMinutes;
  if (input.active !== undefined) set.active = input.active;
  return set;
}

/** Creates a template (pre-approved: standard changes from it need no approval). */
export async function createTemplate(db: Db, actor: Actor, input: CreateChangeTemplateBody): Promise<ChangeTemplate> {
  requirePermission(actor, "tickets.admin");
  const now = nowIso();
  const id = randomUUID();
  try {
    return await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("change_templates")
        .values({
          id, description: "", title: input.title ?? input.name.trim(), category: null, justification: null, implementation_plan: null,
          backout_plan: null, test_plan: null, risk: "low", duration_minutes: null, active: true, created_at: now, updated_at: now,
          ...columns(input), name: input.name.trim(),
        })
        .execute();
      const created = await loadTemplate(trx, id);
      await recordAudit(trx, actor, { action: "create", entity: "change_template", entityId: id, after: created });
      await emit(trx, { type: "change_template.created", payload: { id } });
      return created;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
}

/** Edits a template; changes already created from it keep what they copied. */
export async function updateTemplate(db: Db, actor: Actor, id: string, input: UpdateChangeTemplateBody): Promise<ChangeTemplate> {
  requirePermission(actor, "tickets.admin");
  try {
    return await db.transaction().execute(async (trx) => {
      const before = await loadTemplate(trx, id);
      await trx.updateTable("change_templates").set({ ...columns(input), updated_at: nowIso() }).where("id", "=", id).execute();
      const after = await loadTemplate(trx, id);
      await recordAudit(trx, actor, { action: "update", entity: "change_template", entityId: id, ...diffFields(before, after) });
      await emit(trx, { type: "change_template.updated", payload: { id } });
      return after;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name ?? "");
    throw err;
  }
}

/** Deletes a template; changes created from it keep their fields (their template reference is cleared). */
export async function deleteTemplate(db: Db, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, "tickets.admin");
  await db.transaction().execute(async (trx) => {
    const before = await loadTemplate(trx, id);
    await trx.deleteFrom("change_templates").where("id", "=", id).execute();
    await recordAudit(trx, actor, { action: "delete", entity: "change_template", entityId: id, before });
    await emit(trx, { type: "change_template.deleted", payload: { id } });
  });
}
