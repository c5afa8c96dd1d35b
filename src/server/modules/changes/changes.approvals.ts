/**
 * Change approvals (CAB). When a change enters Authorize a new round starts: every active
 * rule matching the change's type and risk asks each member of its approver group, and the
 * rule is met when all / any one / N of them approve. Scheduling is refused (409
 * change.approval_pending) until every rule of the round is met; scheduling stays a
 * deliberate step of the change's owner (it is not automatic). One rejection returns the
 * change to New and ends the round; the next request for approval starts a fresh one.
 */
import { sql } from "kysely";
import type { ApprovalDecisionBody, ChangeApproval, ChangeApprovals, Ticket } from "../../../contract/index.js";
import type { Db, DbOrTrx, Trx } from "../../platform/db/schema.js";
import { requirePermission, type Actor, type Permission } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { ConflictError, ForbiddenError, ValidationError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { toBool } from "../../platform/db/dialect.js";
import { addEntry, applyTransition } from "../tickets/index.js";
import { requireChange } from "./changes.lookup.js";

type Status = ChangeApprovals["status"];
type Row = Awaited<ReturnType<typeof roundRows>>[number];
type Progress = ChangeApprovals["rules"][number];

function roundRows(db: DbOrTrx, ticketIds: Array<string | number>) {
  return db.selectFrom("change_approvals").selectAll().where("ticket_id", "in", ticketIds.map(Number)).orderBy("round", "desc").orderBy("id").execute();
}

function toApproval(r: Row): ChangeApproval {
  return {
    id: String(r.id),
    round: r.round,
    ruleId: r.rule_id,
    ruleName: r.rule_name,
    group: { id: r.group_id, name: r.group_name },
    approver: { id: r.approver_id, name: r.approver_name },
    decision: r.decision as ChangeApproval["decision"],
    comment: r.comment,
    decidedAt: r.decided_at,
    createdAt: r.created_at,
  };
}

/** Progress of each rule in the given rows of one round. */
export function progressOf(rows: Row[]): Progress[] {
  const byRule = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.rule_id ?? ""}|${r.rule_name}|${r.group_id}`;
    byRule.set(key, [...(byRule.get(key) ?? []), r]);
  }
  return [...byRule.values()].map((list) => {
    const first = list[0];
    const approved = list.filter((r) => r.decision === "approved").length;
    return {
      ruleId: first.rule_id,
      ruleName: first.rule_name,
      group: { id: first.group_id, name: first.group_name },
      rule: first.rule as Progress["rule"],
      required: first.required,
      approved,
      met: approved >= first.required,
    };
  });
}

/** The approval status of a change from its type, state, round and that round's requests. */
export function statusOf(type: string, state: string, round: number, rows: Row[]): Status {
  if (type === "standard") return "not_required";
  const current = rows.filter((r) => r.round === round);
  if (round === 0) return ["new", "assess", "canceled"].includes(state) ? "not_requested" : "not_required";
  if (current.some((r) => r.decision === "rejected")) return "rejected";
  if (!current.length) return "not_required";
  if (progressOf(current).every((p) => p.met)) return "approved";
  // A round left unfinished (the change was canceled in Authorize) is no longer pending.
  return state === "authorize" ? "pending" : "not_requested";
}

/** Approval statuses of several changes at once (for loading change fields). */
export async function approvalStatuses(db: DbOrTrx, changes: Array<{ id: string; type: string; state: string; round: number }>): Promise<Map<string, Status>> {
  const requested = changes.filter((c) => c.round > 0 && c.type !== "standard");
  const rows = requested.length ? await roundRows(db, requested.map((c) => c.id)) : [];
  const out = new Map<string, Status>();
  for (const c of changes) out.set(c.id, statusOf(c.type, c.state, c.round, rows.filter((r) => String(r.ticket_id) === c.id)));
  return out;
}

/** The active rules that apply to a change of this type and risk. */
async function matchingRules(db: DbOrTrx, type: string, risk: string) {
  const rules = await db
    .selectFrom("change_approval_rules as r")
    .innerJoin("groups as g", "g.id", "r.group_id")
    .select(["r.id", "r.name", "r.change_types", "r.risks", "r.group_id", "r.rule", "r.required", "r.active", "g.name as group_name"])
    .orderBy("r.name")
    .execute();
  return rules.filter((r) => {
    const types = JSON.parse(r.change_types) as string[];
    const risks = JSON.parse(r.risks) as string[];
    return toBool(r.active) && (types.length === 0 || types.includes(type)) && (risks.length === 0 || risks.includes(risk));
  });
}

/**
 * Opens a new round for a change entering Authorize (inside the transition's transaction):
 * one pending request per member of each matching rule's group. An empty group, or one
 * smaller than its rule needs, refuses the transition: such a round could never be met.
 */
export async function startRound(trx: Trx, actor: Actor, ticket: Ticket, type: string, risk: string): Promise<void> {
  const bumped = await trx
    .updateTable("change_details")
    .set({ approval_round: sql`approval_round + 1` })
    .where("ticket_id", "=", Number(ticket.id))
    .returning("approval_round")
    .executeTakeFirstOrThrow();
  const round = Number(bumped.approval_round);
  const now = nowIso();
  const rows = [];
  for (const rule of await matchingRules(trx, type, risk)) {
    const members = await trx
      .selectFrom("group_members as m")
      .innerJoin("users as u", "u.id", "m.user_id")
      .select(["u.id", "u.name"])
      .where("m.group_id", "=", rule.group_id)
      .where("u.active", "=", true)
      .orderBy("u.name")
      .execute();
    const required = rule.rule === "all" ? members.length : rule.rule === "any" ? 1 : (rule.required ?? 1);
    if (members.length === 0 || members.length < required) {
      throw new ConflictError("change.approver_group_too_small", `Approval rule "${rule.name}" needs ${Math.max(required, 1)} approver(s) but ${rule.group_name} has ${members.length} active member(s)`, {
        ruleId: rule.id,
        groupId: rule.group_id,
      });
    }
    for (const m of members) {
      rows.push({
        ticket_id: Number(ticket.id), round, rule_id: rule.id, rule_name: rule.name, rule: rule.rule, required, group_id: rule.group_id,
        group_name: rule.group_name, approver_id: m.id, approver_name: m.name, decision: "pending", comment: null, decided_at: null, created_at: now,
      });
    }
  }
  if (rows.length) await trx.insertInto("change_approvals").values(rows).execute();
  const rules = progressOf(rows.map((r, i) => ({ ...r, id: i })));
  const summary = rules.map((r) => `${r.ruleName}: ${r.rule === "all" ? "all" : r.rule === "any" ? "any one" : `${r.required}`} of ${r.group.name}`).join("; ");
  await addEntry(trx, actor, ticket.id, { type: "system", public: false, body: rows.length ? `Approval requested (round ${round}) — ${summary}` : "No approval rule applies: the change may be scheduled", data: { round, rules } }, now);
  await emit(trx, { type: "change.approval_requested", payload: { id: ticket.id, number: ticket.number, round, approverIds: [...new Set(rows.map((r) => r.approver_id))] } });
}

/** Refuses scheduling until every rule of the current round is met (409 change.approval_pending). */
export async function requireApproved(db: DbOrTrx, ticket: Ticket, round: number): Promise<void> {
  const rows = (await roundRows(db, [ticket.id])).filter((r) => r.round === round);
  const rules = progressOf(rows);
  const open = rules.filter((r) => !r.met);
  if (open.length) {
    throw new ConflictError("change.approval_pending", `${ticket.number} still needs approval: ${open.map((r) => `${r.ruleName} (${r.approved}/${r.required})`).join(", ")}`, { rules });
  }
}

/** The actor's pending requests in the current round (several when they sit on several boards). */
async function pendingFor(db: DbOrTrx, actor: Actor, ticketId: string, round: number) {
  if (!actor.id) return [];
  return db.selectFrom("change_approvals").selectAll().where("ticket_id", "=", Number(ticketId)).where("round", "=", round).where("approver_id", "=", actor.id).execute();
}

/**
 * Records one approver's decision on all their pending requests of the round, each as a
 * conditional update (a request decided meanwhile is not decided twice).
 */
export async function recordDecision(trx: Trx, actor: Actor, ticket: Ticket, round: number, decision: "approved" | "rejected", comment: string | null): Promise<void> {
  const mine = await pendingFor(trx, actor, ticket.id, round);
  if (!mine.length) throw new ForbiddenError("change.not_an_approver", `You are not asked to approve ${ticket.number}`, { number: ticket.number });
  const now = nowIso();
  const done = await trx
    .updateTable("change_approvals")
    .set({ decision, comment, decided_at: now })
    .where("id", "in", mine.map((r) => Number(r.id)))
    .where("decision", "=", "pending")
    .returning("id")
    .execute();
  if (!done.length) throw new ConflictError("change.already_decided", `You already decided on ${ticket.number} in this round`, { number: ticket.number });
  await addEntry(trx, actor, ticket.id, { type: "system", public: false, body: comment, data: { approval: decision, round } }, now);
  await recordAudit(trx, actor, { action: `change.${decision === "approved" ? "approve" : "reject"}`, entity: "ticket", entityId: ticket.number, after: { round, decision, comment } });
  await emit(trx, { type: "change.approval_decided", payload: { id: ticket.id, number: ticket.number, round, decision, approverId: actor.id } });
}

/** Ends a round without the missing decisions (rejection, cancellation). */
export async function closeRound(trx: Trx, ticketId: string, round: number): Promise<void> {
  await trx.updateTable("change_approvals").set({ decision: "canceled" }).where("ticket_id", "=", Number(ticketId)).where("round", "=", round).where("decision", "=", "pending").execute();
}

/** GET /changes/:ref/approvals: status, progress of the current round and every request. */
export async function listApprovals(db: DbOrTrx, actor: Actor, ref: string): Promise<ChangeApprovals> {
  requirePermission(actor, "tickets.read");
  const { ticket, fields } = await requireChange(db, ref);
  const rows = await roundRows(db, [ticket.id]);
  return {
    status: statusOf(fields.type, ticket.state, fields.round, rows),
    round: fields.round,
    rules: progressOf(rows.filter((r) => r.round === fields.round)),
    items: rows.map(toApproval),
  };
}

/** POST /changes/:ref/approvals/approve: an approver of the current round approves. */
export async function approveChange(db: Db, actor: Actor, ref: string, input: ApprovalDecisionBody): Promise<ChangeApprovals> {
  requirePermission(actor, "tickets.write");
  await db.transaction().execute(async (trx) => {
    const { ticket } = await requireChange(trx, ref);
    const round = await lockRound(trx, ticket.id);
    if (ticket.state !== "authorize") throw notAuthorizing(ticket);
    await recordDecision(trx, actor, ticket, round, "approved", input.comment ?? null);
    const rules = progressOf((await roundRows(trx, [ticket.id])).filter((r) => r.round === round));
    if (rules.every((r) => r.met)) {
      await addEntry(trx, actor, ticket.id, { type: "system", public: false, body: "All approvals given: the change may be scheduled", data: { round, approved: true } });
      await emit(trx, { type: "change.approved", payload: { id: ticket.id, number: ticket.number, round } });
    }
  });
  return listApprovals(db, actor, ref);
}

/**
 * POST /changes/:ref/approvals/reject: an approver rejects with a comment; the change goes
 * back to New through the flow's `reject` transition (whose hook records the decision).
 * Approvers act for the board, not for the change's assignment group, so the group edit
 * policy does not apply to them here.
 */
export async function rejectChange(db: Db, actor: Actor, ref: string, input: ApprovalDecisionBody): Promise<ChangeApprovals> {
  requirePermission(actor, "tickets.write");
  if (!input.comment?.trim()) throw new ValidationError("change.comment_required", "Say why the change is rejected", { field: "comment" });
  await db.transaction().execute(async (trx) => {
    const { ticket, fields } = await requireChange(trx, ref);
    if (ticket.state !== "authorize") throw notAuthorizing(ticket);
    if (!(await pendingFor(trx, actor, ticket.id, fields.round)).some((r) => r.decision === "pending")) {
      await recordDecision(trx, actor, ticket, fields.round, "rejected", input.comment!); // throws the precise 403/409
    }
    const board: Actor = { ...actor, permissions: new Set<Permission>([...actor.permissions, "tickets.admin"]) };
    await applyTransition(trx, board, ticket.id, { transition: "reject", reason: input.comment! });
  });
  return listApprovals(db, actor, ref);
}

/**
 * Locks the change's details row (PostgreSQL row lock; SQLite serialises writers anyway) so
 * that of two last approvals arriving together exactly one sees the round complete; returns
 * the current round as of the lock.
 */
async function lockRound(trx: Trx, ticketId: string): Promise<number> {
  const row = await trx
    .updateTable("change_details")
    .set({ approval_round: sql`approval_round` })
    .where("ticket_id", "=", Number(ticketId))
    .returning("approval_round")
    .executeTakeFirst();
  return Number(row?.approval_round ?? 0);
}

function notAuthorizing(ticket: Ticket) {
  return new ConflictError("change.not_authorizing", `${ticket.number} is not awaiting approval (state ${ticket.state})`, { state: ticket.state });
}
