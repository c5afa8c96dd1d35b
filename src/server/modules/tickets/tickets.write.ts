/**
 * Writing one new ticket: its checks (which only read), then its rows (ticket, services,
 * timeline, and the audit entry and event, deferred to the batch's multi-row inserts when it
 * is part of a group commit). The common creation is answered without reading it back.
 */
import type { CreateTicketBody, Ticket, TicketKind } from "../../../contract/index.js";
import type { Trx } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { auditRow, recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { ValidationError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { kindDef } from "./tickets.kinds.js";
import { nextNumber } from "./tickets.numbers.js";
import { isAgent } from "./tickets.policy.js";
import { impactedServicesOf, param, requireTicket, runCompiled } from "./tickets.records.js";
import { checkRefs, refreshServices, setAffectedCis } from "./tickets.refs.js";
import { addEntry } from "./tickets.timeline.js";
import { allowedTransitions } from "./tickets.transition.js";
import { linkTickets } from "./tickets.links.js";
import { decorate } from "./tickets.service.js";
import { sql } from "kysely";

/** One creation: who opens what. */
export interface Creation {
  actor: Actor;
  kind: TicketKind;
  input: CreateTicketBody;
  requesterId: string | null;
  /** The business services its CI impacts, when known before the transaction (the CMDB graph). */
  services?: Array<{ id: string; name: string }> | null;
}
/** Audit and outbox rows of a batch, written with one statement each after its creations. */
export interface Deferred {
  audit: Parameters<typeof auditRow>[];
  outbox: Array<{ type: string; payload: Record<string, unknown> }>;
}

/** Users, group and CI a creation names, checked and named in one query. */
async function referencedNames(trx: Trx, item: Creation) {
  const { input, requesterId } = item;
  const rows = await runCompiled<{ rq: string | null; g: string | null; asg: string | null; ci: string | null }>(
    trx,
    "create-names",
    () => sql<{ rq: string | null; g: string | null; asg: string | null; ci: string | null }>`select
      (select name from users where id = ${param("rq")}) as rq, (select name from groups where id = ${param("g")}) as g,
      (select name from users where id = ${param("asg")}) as asg, (select name from cis where id = ${param("ci")}) as ci`.compile(trx),
    { rq: requesterId ?? "", g: input.assignmentGroupId ?? "", asg: input.assigneeId ?? "", ci: input.ciId ?? "" },
  );
  const names = rows[0];
  // The same errors, in the same order, as checkRefs; it still judges assignees (role, group).
  if (requesterId && names.rq === null) throw new ValidationError("ticket.unknown_user", `No user ${requesterId}`, { field: "requesterId" });
  if (input.assignmentGroupId && names.g === null) throw new ValidationError("ticket.unknown_group", `No group ${input.assignmentGroupId}`, { field: "assignmentGroupId" });
  if (input.assigneeId) await checkRefs(trx, { assigneeId: input.assigneeId, assignmentGroupId: input.assignmentGroupId });
  if (input.ciId && names.ci === null) throw new ValidationError("ticket.unknown_ci", `No configuration item ${input.ciId}`, { field: "ciId" });
  return names;
}

/** What a creation's checks found: everything it writes apart from its number and id. */
export interface Plan {
  /** Names of the referenced records when the creation is a simple one (answered without read-back), else null. */
  names: Awaited<ReturnType<typeof referencedNames>> | null;
  impact: number;
  urgency: number;
  priority: number;
  state: string;
  /** Its number, when the batch reserved one for it. */
  number?: string;
}

/** The checks of a creation (they only read): references, kind rules, priority and initial state. */
export async function planCreation(trx: Trx, item: Creation): Promise<Plan> {
  const { actor, kind, input, requesterId } = item;
  const def = kindDef(kind);
  const simple = !input.parent && !input.watcherIds?.length && !input.affectedCiIds?.length && !def.hooks.afterCreate && !def.hooks.load;
  const names = simple ? await referencedNames(trx, item) : null;
  if (!simple) await checkRefs(trx, { ...input, requesterId });
  await def.hooks.validateCreate?.(trx, actor, input);
  const impact = input.impact ?? 3;
  const urgency = input.urgency ?? 3;
  const priority = def.hooks.priority ? await def.hooks.priority(trx, impact, urgency, input) : (input.priority ?? 4);
  const state = def.hooks.initialState?.(input) ?? def.flow.initial;
  return { names, impact, urgency, priority, state };
}

/** Checks then writes one ticket inside `trx`. */
export async function createOne(trx: Trx, item: Creation, deferred: Deferred | null): Promise<Ticket> {
  return writeCreation(trx, item, await planCreation(trx, item), deferred);
}

/**
 * Writes one checked creation. The common creation (no parent, watchers, further CIs or
 * kind rows) is answered from what was written, without reading it back; with `deferred`, its
 * audit entry and event join the batch's multi-row inserts.
 */
export async function writeCreation(trx: Trx, item: Creation, plan: Plan, deferred: Deferred | null): Promise<Ticket> {
  const { actor, kind, input, requesterId } = item;
  const def = kindDef(kind);
  const { names, impact, urgency, priority, state } = plan;
  const simple = names !== null;
  const number = plan.number ?? (await nextNumber(trx, kind, def.prefix));
  const row = await insertTicketRow(trx, item, { number, state, open: def.flow.states[state]?.open ?? true, priority, impact, urgency });
  const id = row.id;
  if (input.watcherIds?.length) await trx.insertInto("ticket_watchers").values(input.watcherIds.map((user_id) => ({ ticket_id: Number(id), user_id }))).execute();
  if (input.affectedCiIds?.length) await setAffectedCis(trx, id, input.affectedCiIds);
  const services = simple && input.ciId ? await writeServices(trx, id, input.ciId, item.services) : [];
  if (!simple && (input.ciId || input.affectedCiIds?.length)) await refreshServices(trx, id);
  const created = { type: "created" as const, public: true, data: { state, priority } };
  if (simple) await writeCreatedEntry(trx, actor, id, created.data, row.ticket.createdAt);
  else await addEntry(trx, actor, id, created, row.ticket.createdAt);
  const audit: Parameters<typeof auditRow> = [actor, { action: "create", entity: "ticket", entityId: number, after: { kind, number, title: input.title, state, priority } }];
  const event = { type: "ticket.created", payload: { id, number, kind, state, priority, ciId: input.ciId ?? null, category: input.category ?? null, channel: row.ticket.channel } };
  if (!names) {
    const ticket = await requireTicket(trx, id);
    if (input.parent) await linkTickets(trx, actor, ticket, { type: "child_of", target: input.parent }, "parent");
    await def.hooks.afterCreate?.(trx, actor, ticket, input);
    await recordAudit(trx, audit[0], audit[1]);
    await emit(trx, event);
    return decorate(trx, actor, ticket);
  }
  if (deferred) {
    deferred.audit.push(audit);
    deferred.outbox.push(event);
  } else {
    await recordAudit(trx, audit[0], audit[1]);
    await emit(trx, event);
  }
  // The answer is what was written, named from referencedNames: no read-back.
  const ref = (refId: string | null | undefined, name: string | null) => (refId ? { id: refId, name: name ?? refId } : null);
  const ticket: Ticket = {
    ...row.ticket,
    requester: ref(requesterId, names.rq),
    assignmentGroup: ref(input.assignmentGroupId, names.g),
    assignee: ref(input.assigneeId, names.asg),
    ci: ref(input.ciId, names.ci),
    services,
    affectedCis: [],
    watchers: [],
  };
  ticket.allowedTransitions = await allowedTransitions(trx, actor, ticket);
  return ticket;
}

/** Inserts the tickets row (a compiled statement); returns its id and the ticket it describes, without references. */
async function insertTicketRow(trx: Trx, item: Creation, f: { number: string; state: string; open: boolean; priority: number; impact: number; urgency: number }) {
  const { actor, kind, input, requesterId } = item;
  const now = nowIso();
  const pg = isPostgres(trx);
  const channel = input.channel ?? (isAgent(actor) ? "api" : "portal");
  const tags = input.tags ?? [];
  const values = {
    kind, number: f.number, title: input.title, description: input.description ?? "", state: f.state, is_open: pg ? f.open : Number(f.open), priority: f.priority, impact: f.impact, urgency: f.urgency,
    requester_id: requesterId, caller_contact: input.callerContact ?? null, assignment_group_id: input.assignmentGroupId ?? null,
    assignee_id: input.assigneeId ?? null, ci_id: input.ciId ?? null, category: input.category ?? null, subcategory: input.subcategory ?? null,
    channel, tags: JSON.stringify(tags), major: pg ? (input.major ?? false) : Number(input.major ?? false), version: 1, created_by: actor.id, created_at: now, updated_at: now,
  };
  const [row] = await runCompiled<{ id: number }>(trx, "create-ticket", () =>
    trx.insertInto("tickets").values(Object.fromEntries(Object.keys(values).map((k) => [k, param(k)])) as never).returning("id").compile(), values);
  const id = String(row.id);
  const ticket: Omit<Ticket, "requester" | "assignmentGroup" | "assignee" | "ci"> = {
    id, kind, number: f.number, title: values.title, description: values.description, state: f.state, open: f.open, priority: f.priority, impact: f.impact, urgency: f.urgency,
    callerContact: values.caller_contact, category: values.category, subcategory: values.subcategory, channel, tags, onHoldReason: null, resolutionCode: null,
    resolutionNotes: null, major: input.major ?? false, version: 1, createdBy: actor.id, createdAt: now, updatedAt: now, resolvedAt: null, closedAt: null,
  };
  return { id, ticket };
}

/** Records the business services the ticket's CI impacts; returns them by name. */
async function writeServices(trx: Trx, id: string, ciId: string, known?: Array<{ id: string; name: string }> | null): Promise<Array<{ id: string; name: string }>> {
  const services = known ?? (await impactedServicesOf(trx, ciId));
  if (!services.length) return services;
  const rows = services.map((_, i) => ({ ticket_id: param("t"), ci_id: param(`c${i}`), role: "service" }));
  const values = { t: Number(id), ...Object.fromEntries(services.map((s, i) => [`c${i}`, s.id])) };
  await runCompiled(trx, `ticket-services-${services.length}`, () => trx.insertInto("ticket_cis").values(rows as never).compile(), values);
  return services;
}

/** The `created` timeline entry: addEntry's row, through a compiled statement. */
async function writeCreatedEntry(trx: Trx, actor: Actor, id: string, data: Record<string, unknown>, at: string): Promise<void> {
  const entry = { ticket_id: Number(id), at, type: "created", public: isPostgres(trx) ? true : 1, actor_id: actor.id, actor_name: actor.name, body: null, data: JSON.stringify(data) };
  await runCompiled(trx, "created-entry", () => trx.insertInto("ticket_timeline").values(Object.fromEntries(Object.keys(entry).map((k) => [k, param(k)])) as never).compile(), entry);
}

