/**
 * Approval rules: which approver group (CAB, ECAB) approves which changes (by type and risk),
 * and how many of its members must approve (all, any, N of). Every active rule that matches
 * a change applies; a round is approved when all of them are met.
 */
import { randomUUID } from "node:crypto";
import type { ChangeApprovalRule, CreateApprovalRuleBody, ListApprovalRulesQuery, UpdateApprovalRuleBody } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { diffFields, recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { toBool } from "../../platform/db/dialect.js";
import { ConflictError, isUniqueViolation, NotFoundError, ValidationError } from "../../platform/errors.js";
import { containsAny, paginate, sortSpec } from "../../platform/list.js";
import { nowIso } from "../../platform/time.js";

const SORTS = { name: "r.name", createdAt: "r.created_at" };

function selectRules(db: DbOrTrx) {
  return db
    .selectFrom("change_approval_rules as r")
    .innerJoin("groups as g", "g.id", "r.group_id")
    .select(["r.id", "r.name", "r.change_types", "r.risks", "r.group_id", "r.rule", "r.required", "r.active", "r.created_at", "r.updated_at", "g.name as group_name"]);
}

type RuleRow = Awaited<ReturnType<ReturnType<typeof selectRules>["executeTakeFirstOrThrow"]>>;

function toRule(r: RuleRow): ChangeApprovalRule {
  const rule = r.rule as ChangeApprovalRule["rule"];
  return {
    id: r.id,
    name: r.name,
    changeTypes: JSON.parse(r.change_types),
    risks: JSON.parse(r.risks),
    group: { id: r.group_id, name: r.group_name },
    rule,
    // For "all" the group's size is read when a round starts; 0 says "every member".
    required: rule === "any" ? 1 : rule === "n_of" ? (r.required ?? 1) : 0,
    active: toBool(r.active),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

async function loadRule(db: DbOrTrx, id: string): Promise<ChangeApprovalRule> {
  const row = await selectRules(db).where("r.id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError("change_approval_rule.not_found", `No approval rule ${id}`, { id });
  return toRule(row);
}

/** Lists approval rules. */
export async function listRules(db: Db, actor: Actor, query: ListApprovalRulesQuery) {
  requirePermission(actor, "tickets.read");
  let q = selectRules(db);
  if (query.q) q = q.where(containsAny(["r.name"], query.q));
  return paginate(q, query, sortSpec(query.sort, SORTS, "name"), "r.id", toRule);
}

/** One approval rule. */
export async function getRule(db: Db, actor: Actor, id: string): Promise<ChangeApprovalRule> {
  requirePermission(actor, "tickets.read");
  return loadRule(db, id);
}

/** Columns of a rule after an edit, checked: the group exists, n_of carries its N. */
async function columns(db: DbOrTrx, input: UpdateApprovalRuleBody, before: ChangeApprovalRule | null) {
  const rule = input.rule ?? before?.rule;
  const required = input.required ?? (before?.rule === "n_of" ? before.required : undefined);
  if (rule === "n_of" && required === undefined) throw new ValidationError("change_approval_rule.required_missing", "An n_of rule says how many approvals it needs", { field: "required" });
  if (input.groupId !== undefined && !(await db.selectFrom("groups").select("id").where("id", "=", input.groupId).executeTakeFirst())) {
    throw new ValidationError("change_approval_rule.unknown_group", `No group ${input.groupId}`, { field: "groupId" });
  }
  return {
    ...(input.name !== undefined ? { name: input.name.trim() } : {}),
    ...(input.changeTypes !== undefined ? { change_types: JSON.stringify(input.changeTypes) } : {}),
    ...(input.risks !== undefined ? { risks: JSON.stringify(input.risks) } : {}),
    ...(input.groupId !== undefined ? { group_id: input.groupId } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
    rule: rule!,
    required: rule === "n_of" ? required! : null,
  };
}

function nameTaken(name: string) {
  return new ConflictError("change_approval_rule.name_taken", `An approval rule named "${name}" already exists`, { field: "name" });
}

/** Creates an approval rule; it applies to rounds started from now on. */
export async function createRule(db: Db, actor: Actor, input: CreateApprovalRuleBody): Promise<ChangeApprovalRule> {
  requirePermission(actor, "tickets.admin");
  const now = nowIso();
  const id = randomUUID();
  try {
    return await db.transaction().execute(async (trx) => {
      const cols = await columns(trx, input, null);
      await trx
        .insertInto("change_approval_rules")
        .values({ id, change_types: "[]", risks: "[]", active: true, ...cols, name: input.name.trim(), group_id: input.groupId, created_at: now, updated_at: now })
        .execute();
      const created = await loadRule(trx, id);
      await recordAudit(trx, actor, { action: "create", entity: "change_approval_rule", entityId: id, after: created });
      await emit(trx, { type: "change_approval_rule.created", payload: { id } });
      return created;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
}

/** Edits a rule; rounds already running keep the terms they started with. */
export async function updateRule(db: Db, actor: Actor, id: string, input: UpdateApprovalRuleBody): Promise<ChangeApprovalRule> {
  requirePermission(actor, "tickets.admin");
  try {
    return await db.transaction().execute(async (trx) => {
      const before = await loadRule(trx, id);
      await trx.updateTable("change_approval_rules").set({ ...(await columns(trx, input, before)), updated_at: nowIso() }).where("id", "=", id).execute();
      const after = await loadRule(trx, id);
      await recordAudit(trx, actor, { action: "update", entity: "change_approval_rule", entityId: id, ...diffFields(before, after) });
      await emit(trx, { type: "change_approval_rule.updated", payload: { id } });
      return after;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name ?? "");
    throw err;
  }
}

/** Deletes a rule; running rounds keep their requests. */
export async function deleteRule(db: Db, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, "tickets.admin");
  await db.transaction().execute(async (trx) => {
    const before = await loadRule(trx, id);
    await trx.deleteFrom("change_approval_rules").where("id", "=", id).execute();
    await recordAudit(trx, actor, { action: "delete", entity: "change_approval_rule", entityId: id, before });
    await emit(trx, { type: "change_approval_rule.deleted", payload: { id } });
  });
}
