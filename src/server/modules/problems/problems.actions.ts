/**
 * Action items of a problem: follow-up work with an owner and a due date. Each change is
 * audited, noted on the problem's timeline (work note level) and emitted as an event so that
 * owners can be notified.
 */
import { randomUUID } from "node:crypto";
import type {
  CreateProblemActionBody,
  ProblemAction,
  Ticket,
  UpdateProblemActionBody,
} from "../../../contract/index.js";
import type { Db, DbOrTrx, Trx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { toBool } from "../../platform/db/dialect.js";
import { recordAudit, diffFields } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { ConflictError, NotFoundError, ValidationError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { addEntry, requireEditable, requireProblem } from "./problems.core.js";

const TERMINAL = new Set(["closed", "canceled"]);

function today(): string {
  return nowIso().slice(0, 10);
}

function actionQuery(db: DbOrTrx) {
  return db
    .selectFrom("problem_actions as a")
    .leftJoin("users as u", "u.id", "a.owner_id")
    .select(["a.id", "a.problem_id", "a.title", "a.owner_id", "a.due_date", "a.done", "a.created_at", "a.done_at", "u.name as owner_name"]);
}

type ActionRow = Awaited<ReturnType<ReturnType<typeof actionQuery>["executeTakeFirstOrThrow"]>>;

function toAction(r: ActionRow): ProblemAction {
  const done = toBool(r.done);
  return {
    id: r.id,
    problemId: String(r.problem_id),
    title: r.title,
    owner: r.owner_id ? { id: r.owner_id, name: r.owner_name ?? r.owner_id } : null,
    dueDate: r.due_date,
    done,
    overdue: !done && r.due_date !== null && r.due_date < today(),
    createdAt: r.created_at,
    doneAt: r.done_at,
  };
}

async function loadAction(db: DbOrTrx, problem: Ticket, actionId: string): Promise<ProblemAction> {
  const row = await actionQuery(db).where("a.id", "=", actionId).where("a.problem_id", "=", Number(problem.id)).executeTakeFirst();
  if (!row) throw new NotFoundError("problem_action.not_found", `${problem.number} has no action item ${actionId}`, { actionId });
  return toAction(row);
}

/** Owners are people who work tickets: an active agent or admin. */
async function checkOwner(db: DbOrTrx, ownerId: string | null | undefined): Promise<void> {
  if (!ownerId) return;
  const user = await db.selectFrom("users").select(["role", "active"]).where("id", "=", ownerId).executeTakeFirst();
  if (!user) throw new ValidationError("problem_action.unknown_owner", `No user ${ownerId}`, { field: "ownerId" });
  if (!toBool(user.active) || (user.role !== "agent" && user.role !== "admin")) {
    throw new ValidationError("problem_action.owner_not_agent", "The owner of an action item must be an active agent", { field: "ownerId" });
  }
}

/** Notes the change on the problem's timeline and touches it, so lists show recent activity. */
async function note(trx: Trx, actor: Actor, problem: Ticket, body: string, data: Record<string, unknown>): Promise<void> {
  const at = nowIso();
  await addEntry(trx, actor, problem.id, { type: "system", public: false, body, data }, at);
  await trx.updateTable("tickets").set({ updated_at: at }).where("id", "=", Number(problem.id)).execute();
}

/** The action items of a problem, oldest first. */
export async function listActions(db: DbOrTrx, actor: Actor, ref: string): Promise<{ items: ProblemAction[] }> {
  requirePermission(actor, "tickets.read");
  const problem = await requireProblem(db, ref);
  const rows = await actionQuery(db).where("a.problem_id", "=", Number(problem.id)).orderBy("a.created_at").orderBy("a.id").execute();
  return { items: rows.map(toAction) };
}

/** Adds an action item to a problem that is not closed or canceled. */
export async function createAction(db: Db, actor: Actor, ref: string, input: CreateProblemActionBody): Promise<ProblemAction> {
  requirePermission(actor, "tickets.write");
  return db.transaction().execute(async (trx) => {
    const problem = await requireProblem(trx, ref);
    await requireEditable(trx, actor, problem);
    if (TERMINAL.has(problem.state)) throw new ConflictError("problem.finished", `${problem.number} is ${problem.state}; it takes no new action items`, { state: problem.state });
    await checkOwner(trx, input.ownerId);
    const id = randomUUID();
    await trx
      .insertInto("problem_actions")
      .values({ id, problem_id: Number(problem.id), title: input.title.trim(), owner_id: input.ownerId ?? null, due_date: input.dueDate ?? null, done: false, created_at: nowIso(), done_at: null })
      .execute();
    const action = await loadAction(trx, problem, id);
    await note(trx, actor, problem, `Action item added: ${action.title}`, { actionId: id, action: "created" });
    await recordAudit(trx, actor, { action: "create", entity: "problem_action", entityId: id, after: { problem: problem.number, ...action } });
    await emit(trx, { type: "problem.action_created", payload: { problemId: problem.id, number: problem.number, actionId: id, ownerId: action.owner?.id ?? null, dueDate: action.dueDate } });
    return action;
  });
}

/**
 * Edits an action item. Anyone who may edit the problem may change it; its owner may always
 * mark it done or open again, even outside the problem's group.
 */
export async function updateAction(db: Db, actor: Actor, ref: string, actionId: string, input: UpdateProblemActionBody): Promise<ProblemAction> {
  requirePermission(actor, "tickets.write");
  return db.transaction().execute(async (trx) => {
    const problem = await requireProblem(trx, ref);
    const before = await loadAction(trx, problem, actionId);
    const ownerOnlyDone = before.owner?.id === actor.id && Object.keys(input).every((k) => k === "done");
    if (!ownerOnlyDone) await requireEditable(trx, actor, problem);
    if (input.ownerId !== undefined) await checkOwner(trx, input.ownerId);
    const set: Record<string, unknown> = {};
    if (input.title !== undefined) set.title = input.title.trim();
    if (input.ownerId !== undefined) set.owner_id = input.ownerId;
    if (input.dueDate !== undefined) set.due_date = input.dueDate;
    if (input.done !== undefined && input.done !== before.done) {
      set.done = input.done;
      set.done_at = input.done ? nowIso() : null;
    }
    if (Object.keys(set).length === 0) return before;
    await trx.updateTable("problem_actions").set(set).where("id", "=", actionId).execute();
    const after = await loadAction(trx, problem, actionId);
    const diff = diffFields(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>);
    const body = set.done === true ? `Action item done: ${after.title}` : set.done === false ? `Action item reopened: ${after.title}` : `Action item changed: ${after.title}`;
    await note(trx, actor, problem, body, { actionId, action: "updated", fields: Object.keys(diff.after) });
    await recordAudit(trx, actor, { action: "update", entity: "problem_action", entityId: actionId, ...diff });
    await emit(trx, { type: "problem.action_updated", payload: { problemId: problem.id, number: problem.number, actionId, fields: Object.keys(diff.after), ownerId: after.owner?.id ?? null, done: after.done } });
    return after;
  });
}

/** Removes an action item (problem editors only). */
export async function deleteAction(db: Db, actor: Actor, ref: string, actionId: string): Promise<void> {
  requirePermission(actor, "tickets.write");
  await db.transaction().execute(async (trx) => {
    const problem = await requireProblem(trx, ref);
    const before = await loadAction(trx, problem, actionId);
    await requireEditable(trx, actor, problem);
    if (TERMINAL.has(problem.state)) throw new ConflictError("problem.finished", `${problem.number} is ${problem.state}; its action items are kept as they are`, { state: problem.state });
    await trx.deleteFrom("problem_actions").where("id", "=", actionId).execute();
    await note(trx, actor, problem, `Action item removed: ${before.title}`, { actionId, action: "deleted" });
    await recordAudit(trx, actor, { action: "delete", entity: "problem_action", entityId: actionId, before: { problem: problem.number, ...before } });
    await emit(trx, { type: "problem.action_deleted", payload: { problemId: problem.id, number: problem.number, actionId } });
  });
}
