/**
 * The change kind's hooks into the ticket core: change_details written on create, edit and
 * transitions and loaded onto every change ticket (with approval status and conflicts); the
 * risk computed from the CMDB; the rules each transition adds (planned window and met
 * approvals to schedule, the outcome to close, approvers only to reject); approval rounds
 * started and ended as the change enters and leaves Authorize.
 */
import type { ChangeImpact, CreateTicketBody, Ticket, TransitionBody, UpdateTicketBody } from "../../../contract/index.js";
import type { Db, DbOrTrx, Trx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { ValidationError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { addEntry, refreshServices, requireEditable, type FieldChange, type KindHooks } from "../tickets/index.js";
import { approvalStatuses, closeRound, recordDecision, requireApproved, startRound } from "./changes.approvals.js";
import { conflictsFor } from "./changes.calendar.js";
import { blankChange, changesOf, loadStored, merge, save, toFields, withComputedRisk, type StoredChange } from "./changes.fields.js";
import { CHANGE_FLOW } from "./changes.flow.js";
import { requireChange } from "./changes.lookup.js";
import { loadScope, riskOf } from "./changes.risk.js";
import { usableTemplate } from "./changes.templates.js";

/** The fields of a new change from a template: its plans, and its pre-assessed risk. */
async function fromTemplate(trx: Trx, base: StoredChange, templateId: string): Promise<StoredChange> {
  const t = await usableTemplate(trx, templateId);
  const next: StoredChange = {
    ...base,
    type: "standard",
    templateId,
    justification: t.justification,
    implementationPlan: t.implementationPlan,
    backoutPlan: t.backoutPlan,
    testPlan: t.testPlan,
  };
  if (t.risk !== base.computedRisk) {
    next.risk = t.risk;
    next.riskOverrideReason = `Pre-assessed in the standard change template "${t.name}"`;
  }
  return next;
}

/** A template's usual duration fills a missing planned end. */
async function withTemplateDuration(trx: Trx, fields: StoredChange): Promise<StoredChange> {
  if (!fields.templateId || !fields.plannedStart || fields.plannedEnd) return fields;
  const t = await usableTemplate(trx, fields.templateId);
  if (!t.durationMinutes) return fields;
  return { ...fields, plannedEnd: new Date(new Date(fields.plannedStart).getTime() + t.durationMinutes * 60_000).toISOString() };
}

/** Records kind field changes made outside the core's edit path (transitions, impact refresh). */
async function auditChanges(trx: Trx, actor: Actor, ticket: Ticket, changes: FieldChange[]): Promise<void> {
  if (!changes.length) return;
  await recordAudit(trx, actor, {
    action: "update",
    entity: "ticket",
    entityId: ticket.number,
    before: Object.fromEntries(changes.map((c) => [c.field, c.from])),
    after: Object.fromEntries(changes.map((c) => [c.field, c.to])),
  });
}

/** Checks what a transition needs and fills what it implies (actual start and end). */
function transitionFields(transition: string, fields: StoredChange): StoredChange {
  const next = { ...fields };
  if (transition === "schedule") {
    for (const field of ["plannedStart", "plannedEnd"] as const) {
      if (!next[field]) throw new ValidationError("change.field_required", `"schedule" needs change.${field}: record it first or send it with the transition`, { field: `change.${field}`, transition });
    }
  }
  if (transition === "implement" && !next.actualStart) next.actualStart = nowIso();
  if (transition === "review" && !next.actualEnd) next.actualEnd = nowIso();
  if (transition === "close" && !next.outcome) {
    throw new ValidationError("change.field_required", '"close" needs change.outcome: record it first or send it with the transition', { field: "change.outcome", transition });
  }
  return next;
}

/** The change kind's hooks (registered at import by the module's index). */
export const changeHooks: KindHooks = {
  async validateCreate(trx: Trx, _actor: Actor, input: CreateTicketBody) {
    merge(blankChange("moderate"), input.change, null);
    if (input.change?.templateId) await usableTemplate(trx, input.change.templateId);
  },

  async afterCreate(trx: Trx, _actor: Actor, ticket: Ticket, input: CreateTicketBody) {
    // The core has recorded the CIs and refreshed the impacted services already.
    let fields = blankChange(riskOf(await loadScope(trx, ticket.id)));
    if (input.change?.templateId) fields = await fromTemplate(trx, fields, input.change.templateId);
    fields = await withTemplateDuration(trx, merge(fields, input.change, null));
    await save(trx, ticket.id, fields);
  },

  async update(trx: Trx, _actor: Actor, before: Ticket, input: UpdateTicketBody) {
    const stored = (await loadStored(trx, before.id)) ?? blankChange("moderate");
    let after = merge(stored, input.change, before.state);
    if (input.ciId !== undefined || input.affectedCiIds !== undefined) {
      // The core refreshes the services after this hook; the risk needs them now.
      await refreshServices(trx, before.id);
      after = withComputedRisk(after, riskOf(await loadScope(trx, before.id)));
    }
    after = await withTemplateDuration(trx, after);
    const changes = changesOf(stored, after);
    if (changes.length) await save(trx, before.id, after);
    return changes;
  },

  async load(db: DbOrTrx, ids: string[]) {
    const out = new Map<string, Partial<Ticket>>();
    if (!ids.length) return out;
    const rows = await db
      .selectFrom("change_details as d")
      .innerJoin("tickets as t", "t.id", "d.ticket_id")
      .selectAll("d")
      .select("t.state")
      .where("d.ticket_id", "in", ids.map(Number))
      .execute();
    const byId = new Map(rows.map((r) => [String(r.ticket_id), { state: r.state, fields: toFields(r) }]));
    const statuses = await approvalStatuses(db, [...byId].map(([id, r]) => ({ id, type: r.fields.type, state: r.state, round: r.fields.round })));
    const conflicts = await conflictsFor(db, [...byId.keys()]);
    for (const id of ids) {
      const { round: _round, ...fields } = byId.get(id)?.fields ?? blankChange("moderate");
      out.set(id, { change: { ...fields, approvalStatus: statuses.get(id) ?? "not_requested", conflicts: conflicts.get(id) ?? [] } });
    }
    return out;
  },

  async beforeTransition(trx: Trx, actor: Actor, ticket: Ticket, transition: string, body: TransitionBody) {
    const target = CHANGE_FLOW.transitions[transition as keyof typeof CHANGE_FLOW.transitions]?.to ?? ticket.state;
    const stored = (await loadStored(trx, ticket.id)) ?? blankChange("moderate");
    const after = transitionFields(transition, await withTemplateDuration(trx, merge(stored, body.change, target)));
    if (transition === "schedule" && after.type !== "standard") await requireApproved(trx, ticket, stored.round);
    if (transition === "reject") await recordDecision(trx, actor, ticket, stored.round, "rejected", body.reason ?? null);
    const changes = changesOf(stored, after);
    if (changes.length) {
      await save(trx, ticket.id, after);
      await addEntry(trx, actor, ticket.id, { type: "field_change", public: false, data: { changes } });
      await auditChanges(trx, actor, ticket, changes);
    }
  },

  async afterTransition(trx: Trx, actor: Actor, before: Ticket, after: Ticket, transition: string) {
    const fields = (await loadStored(trx, after.id)) ?? blankChange("moderate");
    if (before.state === "authorize" && after.state !== "scheduled") await closeRound(trx, after.id, fields.round);
    if (after.state === "authorize") await startRound(trx, actor, after, fields.type, fields.risk);
    if (transition === "schedule") {
      const conflicts = (await conflictsFor(trx, [after.id])).get(after.id) ?? [];
      if (conflicts.length) {
        const what = conflicts.map((c) => (c.type === "blackout" ? `blackout "${c.blackout?.name}"` : `${c.change?.number} (${c.type === "same_ci" ? "same CI" : "same service"})`));
        await addEntry(trx, actor, after.id, { type: "system", public: false, body: `Scheduled with ${conflicts.length} conflict(s): ${what.join(", ")}`, data: { conflicts } });
        await emit(trx, { type: "change.scheduled_with_conflicts", payload: { id: after.id, number: after.number, conflicts: conflicts.length } });
      }
    }
  },
};

/**
 * POST /changes/:ref/impact/refresh: recomputes the impacted services from the CMDB as it is
 * now, and the computed risk (the risk follows unless it is overridden).
 */
export async function refreshImpact(db: Db, actor: Actor, ref: string): Promise<ChangeImpact> {
  requirePermission(actor, "tickets.write");
  return db.transaction().execute(async (trx) => {
    const { ticket, fields } = await requireChange(trx, ref);
    await requireEditable(trx, actor, ticket);
    await refreshServices(trx, ticket.id);
    const scope = await loadScope(trx, ticket.id);
    const after = withComputedRisk(fields, riskOf(scope));
    const changes = changesOf(fields, after);
    if (changes.length) await save(trx, ticket.id, after);
    await addEntry(trx, actor, ticket.id, { type: "system", public: false, body: "Impact refreshed from the CMDB", data: { services: scope.services.map((s) => s.id), changes } });
    await auditChanges(trx, actor, ticket, [...changes, { field: "services", from: null, to: scope.services.map((s) => s.id) }]);
    await emit(trx, { type: "ticket.updated", payload: { id: ticket.id, number: ticket.number, kind: ticket.kind, fields: ["services", ...changes.map((c) => c.field)] } });
    return {
      computedRisk: after.computedRisk,
      risk: after.risk,
      cis: scope.cis.map(({ id, name }) => ({ id, name })),
      services: scope.services.map(({ id, name }) => ({ id, name })),
    };
  });
}
