/**
 * State transitions: read from the kind's flow, checked for who may use them and what they
 * require, applied as one conditional update so that of two concurrent transitions exactly one wins.
 */
import { sql } from "kysely";
import type { AllowedTransition, Ticket, TransitionBody } from "../../../contract/index.js";
import type { Db, DbOrTrx, Trx } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { ConflictError, ForbiddenError, ValidationError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { actorMayUse, fieldOf, transitionsFrom } from "./tickets.flow.js";
import { kindDef } from "./tickets.kinds.js";
import { isAgent, requireEditable, requireVisible } from "./tickets.policy.js";
import { requireTicket, withKindFields } from "./tickets.records.js";
import { addEntry } from "./tickets.timeline.js";

/** What the actor may do with the ticket now (agents outside the group under a strict edit policy get nothing). */
export async function allowedTransitions(db: DbOrTrx, actor: Actor, ticket: Ticket): Promise<AllowedTransition[]> {
  const def = kindDef(ticket.kind);
  const agent = isAgent(actor);
  let agentMayEdit = agent;
  if (agent) {
    try {
      await requireEditable(db, actor, ticket);
    } catch {
      agentMayEdit = false;
    }
  }
  return transitionsFrom(def.flow, ticket)
    .filter(([, t]) => actorMayUse(t, actor, ticket, agentMayEdit))
    .map(([name, t]) => ({ name, label: t.label, to: t.to, requires: [...(t.requires ?? [])] }));
}

/** Moves a ticket through its flow; returns it as it is afterwards. */
export async function transitionTicket(db: Db, actor: Actor, ref: string, body: TransitionBody): Promise<Ticket> {
  return db.transaction().execute((trx) => applyTransition(trx, actor, ref, body));
}

/** The transition inside a caller's transaction (bulk actions and kind modules chain them). */
export async function applyTransition(trx: Trx, actor: Actor, ref: string, body: TransitionBody): Promise<Ticket> {
  const ticket = await requireTicket(trx, ref);
  await requireVisible(trx, actor, ticket);
  await withKindFields(trx, [ticket]);
  const def = kindDef(ticket.kind);
  const t = def.flow.transitions[body.transition];
  if (!t) {
    throw new ValidationError("ticket.unknown_transition", `${def.label}s have no transition "${body.transition}"`, { field: "transition", known: Object.keys(def.flow.transitions) });
  }
  const allowed = await allowedTransitions(trx, actor, ticket);
  if (!allowed.some((a) => a.name === body.transition)) {
    const applicable = transitionsFrom(def.flow, ticket).some(([name]) => name === body.transition);
    if (applicable && !isAgent(actor)) throw new ForbiddenError("ticket.transition_forbidden", `You may not ${t.label.toLowerCase()} ${ticket.number}`, { transition: body.transition });
    if (applicable) await requireEditable(trx, actor, ticket);
    throw new ConflictError("ticket.invalid_transition", `${ticket.number} is ${def.flow.states[ticket.state]?.label ?? ticket.state}; "${body.transition}" is not possible now`, {
      state: ticket.state,
      allowed: allowed.map((a) => a.name),
    });
  }
  for (const field of t.requires ?? []) {
    // Sent with the transition, or already recorded on the ticket (e.g. problem.rootCause).
    const sent = fieldOf(body as Record<string, unknown>, field);
    const value = sent === undefined || sent === null || sent === "" ? fieldOf(ticket as unknown as Record<string, unknown>, field) : sent;
    if (value === undefined || value === null || value === "") throw new ValidationError("ticket.field_required", `"${body.transition}" needs ${field}`, { field });
  }
  if (body.version !== undefined && body.version !== ticket.version) {
    throw new ConflictError("ticket.stale", `${ticket.number} changed since version ${body.version} (now ${ticket.version}); reload it`, { version: ticket.version });
  }
  await def.hooks.beforeTransition?.(trx, actor, ticket, body.transition, body);
  const now = nowIso();
  const to = def.flow.states[t.to];
  const set: Record<string, unknown> = { state: t.to, is_open: to.open, version: sql`version + 1`, updated_at: now };
  set.on_hold_reason = t.to === "on_hold" ? (body.onHoldReason ?? null) : null;
  if (body.resolutionCode !== undefined) set.resolution_code = body.resolutionCode;
  if (body.resolutionNotes !== undefined) set.resolution_notes = body.resolutionNotes;
  if (t.to === "resolved") set.resolved_at = now;
  if (t.to === "closed" || t.to === "canceled") set.closed_at = now;
  if (to.open) {
    // Reopened: the earlier resolution no longer holds.
    set.resolved_at = null;
    set.closed_at = null;
    if (body.resolutionCode === undefined) set.resolution_code = null;
    if (body.resolutionNotes === undefined) set.resolution_notes = null;
  }
  const done = await trx
    .updateTable("tickets")
    .set(set)
    .where("id", "=", Number(ticket.id))
    .where("state", "=", ticket.state)
    .returning("id")
    .executeTakeFirst();
  if (!done) throw new ConflictError("ticket.invalid_transition", `${ticket.number} changed state meanwhile; reload it`, { state: ticket.state, allowed: [] });
  await addEntry(trx, actor, ticket.id, {
    type: "state_change",
    public: true,
    body: body.reason ?? null,
    data: { from: ticket.state, to: t.to, transition: body.transition, onHoldReason: body.onHoldReason ?? null, resolutionCode: body.resolutionCode ?? null },
  }, now);
  if (body.resolutionNotes) await addEntry(trx, actor, ticket.id, { type: "comment", public: true, body: body.resolutionNotes, data: { resolution: true } }, now);
  if (body.comment) await addEntry(trx, actor, ticket.id, { type: "comment", public: true, body: body.comment }, now);
  if (body.workNote) await addEntry(trx, actor, ticket.id, { type: "work_note", public: false, body: body.workNote }, now);
  await recordAudit(trx, actor, { action: `ticket.${body.transition}`, entity: "ticket", entityId: ticket.number, before: { state: ticket.state }, after: { state: t.to } });
  await emit(trx, { type: "ticket.transitioned", payload: { id: ticket.id, number: ticket.number, kind: ticket.kind, from: ticket.state, to: t.to, transition: body.transition, onHoldReason: body.onHoldReason ?? null } });
  const after = await requireTicket(trx, ticket.id);
  await withKindFields(trx, [after]);
  await def.hooks.afterTransition?.(trx, actor, ticket, after, body.transition, body);
  return after;
}
