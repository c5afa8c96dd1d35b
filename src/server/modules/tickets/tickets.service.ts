/** Tickets: create, read, edit and list (with the requester's view limited to their own). */
import { sql } from "kysely";
import type { CreateTicketBody, ListTicketsQuery, Ticket, TicketKind, UpdateTicketBody } from "../../../contract/index.js";
import type { Db, Trx } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { auditRow, recordAudit } from "../../platform/audit.js";
import { emit, outboxRow } from "../../platform/outbox.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { ConflictError, ForbiddenError, ValidationError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { kindDef, type FieldChange } from "./tickets.kinds.js";
import { nextNumber } from "./tickets.numbers.js";
import { isAgent, requireEditable, requireTicketAccess, requireVisible, seesAll } from "./tickets.policy.js";
import { impactedServicesOf, param, requireTicket, runCompiled, withKindFields, withRelations } from "./tickets.records.js";
import { checkRefs, refreshServices, setAffectedCis } from "./tickets.refs.js";
import { addEntry } from "./tickets.timeline.js";
import { allowedTransitions } from "./tickets.transition.js";
import { linkTickets } from "./tickets.links.js";

/** Kinds a requester may open from the portal. */
const PORTAL_KINDS: readonly string[] = ["incident", "request"];
/** What a requester may fill in; the rest is the service desk's to decide. */
const REQUESTER_FIELDS = new Set(["title", "description", "category", "subcategory", "ciId", "urgency", "callerContact", "channel"]);

/** One ticket with everything the ticket page shows: relations, kind fields and what the caller may do next. */
export async function getTicket(db: Db | Trx, actor: Actor, ref: string): Promise<Ticket> {
  const ticket = await requireTicket(db, ref);
  await requireVisible(db, actor, ticket);
  return decorate(db, actor, ticket);
}

/** Adds relations, kind fields and the caller's allowed transitions. */
export async function decorate(db: Db | Trx, actor: Actor, ticket: Ticket): Promise<Ticket> {
  await withRelations(db, ticket);
  await withKindFields(db, [ticket]);
  ticket.allowedTransitions = await allowedTransitions(db, actor, ticket);
  return ticket;
}

/** Opens a ticket of a kind; requesters file for themselves from the portal kinds. */
export async function createTicket(db: Db, actor: Actor, kind: TicketKind, input: CreateTicketBody): Promise<Ticket> {
  requireTicketAccess(actor);
  const def = kindDef(kind);
  const agent = isAgent(actor);
  if (!agent) {
    if (!PORTAL_KINDS.includes(kind)) throw new ForbiddenError("ticket.kind_forbidden", `Requesters cannot open ${def.label.toLowerCase()}s`, { field: "kind" });
    const extra = Object.keys(input).find((k) => !REQUESTER_FIELDS.has(k));
    if (extra) throw new ForbiddenError("ticket.field_forbidden", `Requesters cannot set ${extra}`, { field: extra });
  }
  const item: Creation = { actor, kind, input, requesterId: agent ? (input.requesterId ?? null) : actor.id };
  // Inside a caller's transaction the creation is part of it; otherwise it joins a group commit.
  if (db.isTransaction) return createOne(db as unknown as Trx, item, null);
  return groupCommit(db, item);
}

/** One creation waiting for its group commit. */
interface Creation {
  actor: Actor;
  kind: TicketKind;
  input: CreateTicketBody;
  requesterId: string | null;
}
interface Pending extends Creation {
  resolve(t: Ticket): void;
  reject(e: unknown): void;
}
/** Audit and outbox rows of a batch, written with one statement each after its creations. */
interface Deferred {
  audit: Parameters<typeof auditRow>[];
  outbox: Array<{ type: string; payload: Record<string, unknown> }>;
}

/** Most creations one transaction takes; the rest wait for the next one. */
const MAX_BATCH = 64;
const batchers = new WeakMap<Db, { queue: Pending[]; running: number }>();

/**
 * Group commit (DESIGN.md: hot paths are batched): creations that arrive while a transaction
 * is writing wait and are written together in the next one, each under its own savepoint so
 * that a refused creation leaves the others intact. Nobody is answered before the commit that
 * holds their ticket, so nothing acknowledged is lost. At low load a batch is one creation and
 * waits for nothing. PostgreSQL runs a few batches at once on separate connections.
 */
function groupCommit(db: Db, item: Creation): Promise<Ticket> {
  let b = batchers.get(db);
  if (!b) batchers.set(db, (b = { queue: [], running: 0 }));
  const batcher = b;
  const parallel = isPostgres(db) ? 4 : 1;
  return new Promise<Ticket>((resolve, reject) => {
    batcher.queue.push({ ...item, resolve, reject });
    const drain = () => {
      while (batcher.running < parallel && batcher.queue.length) {
        const batch = batcher.queue.splice(0, MAX_BATCH);
        batcher.running++;
        void writeBatch(db, batch).finally(() => {
          batcher.running--;
          drain();
        });
      }
    };
    // Let the requests that arrived in the same turn of the event loop join.
    if (batcher.queue.length === 1) setImmediate(drain);
  });
}

async function writeBatch(db: Db, batch: Pending[]): Promise<void> {
  const results: Array<{ ok: true; ticket: Ticket } | { ok: false; error: unknown }> = [];
  try {
    await db.transaction().execute(async (trx) => {
      const deferred: Deferred = { audit: [], outbox: [] };
      for (const item of batch) {
        if (batch.length === 1) {
          results.push({ ok: true, ticket: await createOne(trx, item, deferred) });
          continue;
        }
        await sql`savepoint ticket_create`.execute(trx);
        const mark = { audit: deferred.audit.length, outbox: deferred.outbox.length };
        try {
          const ticket = await createOne(trx, item, deferred);
          await sql`release savepoint ticket_create`.execute(trx);
          results.push({ ok: true, ticket });
        } catch (error) {
          await sql`rollback to savepoint ticket_create`.execute(trx);
          await sql`release savepoint ticket_create`.execute(trx);
          deferred.audit.length = mark.audit;
          deferred.outbox.length = mark.outbox;
          results.push({ ok: false, error });
        }
      }
      if (deferred.audit.length) await trx.insertInto("audit_log").values(deferred.audit.map((a) => auditRow(...a))).execute();
      if (deferred.outbox.length) await trx.insertInto("outbox").values(deferred.outbox.map((e) => outboxRow(e))).execute();
    });
  } catch (error) {
    // A lone creation's own error, or a failed commit: nobody in the batch was written.
    for (const item of batch) item.reject(error);
    return;
  }
  batch.forEach((item, i) => {
    const r = results[i];
    if (r.ok) item.resolve(r.ticket);
    else item.reject(r.error);
  });
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

/**
 * Writes one ticket inside `trx`. The common creation (no parent, watchers, further CIs or
 * kind rows) is answered from what was written, without reading it back; with `deferred`, its
 * audit entry and event join the batch's multi-row inserts.
 */
async function createOne(trx: Trx, item: Creation, deferred: Deferred | null): Promise<Ticket> {
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
  const number = await nextNumber(trx, kind, def.prefix);
  const row = await insertTicketRow(trx, item, { number, state, open: def.flow.states[state]?.open ?? true, priority, impact, urgency });
  const id = row.id;
  if (input.watcherIds?.length) await trx.insertInto("ticket_watchers").values(input.watcherIds.map((user_id) => ({ ticket_id: Number(id), user_id }))).execute();
  if (input.affectedCiIds?.length) await setAffectedCis(trx, id, input.affectedCiIds);
  const services = simple && input.ciId ? await writeServices(trx, id, input.ciId) : [];
  if (!simple && (input.ciId || input.affectedCiIds?.length)) await refreshServices(trx, id);
  const created = { type: "created" as const, public: true, data: { state, priority } };
  if (simple) await writeCreatedEntry(trx, actor, id, created.data, row.ticket.createdAt);
  else await addEntry(trx, actor, id, created, row.ticket.createdAt);
  const audit: Parameters<typeof auditRow> = [actor, { action: "create", entity: "ticket", entityId: number, after: { kind, number, title: input.title, state, priority } }];
  const event = { type: "ticket.created", payload: { id, number, kind, state, priority, ciId: input.ciId ?? null, category: input.category ?? null, channel: row.ticket.channel } };
  if (!simple || !names) {
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
async function writeServices(trx: Trx, id: string, ciId: string): Promise<Array<{ id: string; name: string }>> {
  const services = await impactedServicesOf(trx, ciId);
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

type CoreField = Exclude<keyof UpdateTicketBody, "version" | "problem" | "change" | "affectedCiIds">;
/** Column of each editable core field. */
const COLUMNS: Record<CoreField, string> = {
  title: "title",
  description: "description",
  requesterId: "requester_id",
  callerContact: "caller_contact",
  assignmentGroupId: "assignment_group_id",
  assigneeId: "assignee_id",
  ciId: "ci_id",
  category: "category",
  subcategory: "subcategory",
  impact: "impact",
  urgency: "urgency",
  priority: "priority",
  tags: "tags",
  major: "major",
};

/** The current value of a core field, in the input's terms. */
function currentValue(t: Ticket, field: CoreField): unknown {
  switch (field) {
    case "requesterId":
      return t.requester?.id ?? null;
    case "assignmentGroupId":
      return t.assignmentGroup?.id ?? null;
    case "assigneeId":
      return t.assignee?.id ?? null;
    case "ciId":
      return t.ci?.id ?? null;
    default:
      return t[field as keyof Ticket] ?? null;
  }
}

/** Edits a ticket's fields; stale versions, foreign groups and bad references are refused. */
export async function updateTicket(db: Db, actor: Actor, ref: string, input: UpdateTicketBody): Promise<Ticket> {
  return db.transaction().execute(async (trx) => {
    const before = await requireTicket(trx, ref);
    await requireVisible(trx, actor, before);
    await requireEditable(trx, actor, before);
    if (input.version !== undefined && input.version !== before.version) {
      throw new ConflictError("ticket.stale", `${before.number} changed since version ${input.version} (now ${before.version}); reload it`, { version: before.version });
    }
    if (!before.open && Object.keys(input).some((k) => k !== "version" && k !== "tags")) {
      if (["closed", "canceled"].includes(before.state)) throw new ConflictError("ticket.finished", `${before.number} is ${before.state}; reopen it to change it`);
    }
    const def = kindDef(before.kind);
    const changes: FieldChange[] = [];
    const set: Record<string, unknown> = {};
    for (const field of Object.keys(COLUMNS) as CoreField[]) {
      if (input[field] === undefined) continue;
      const from = currentValue(before, field);
      const to = input[field];
      if (JSON.stringify(from) === JSON.stringify(to)) continue;
      changes.push({ field, from, to });
      set[COLUMNS[field]] = field === "tags" ? JSON.stringify(to) : to;
    }
    const groupId = input.assignmentGroupId !== undefined ? input.assignmentGroupId : (before.assignmentGroup?.id ?? null);
    // A new group takes the ticket back from an assignee outside it (ServiceNow does the same).
    let assigneeId = input.assigneeId !== undefined ? input.assigneeId : (before.assignee?.id ?? null);
    if (input.assignmentGroupId !== undefined && input.assigneeId === undefined && assigneeId && groupId) {
      const stays = await trx.selectFrom("group_members").select("user_id").where("group_id", "=", groupId).where("user_id", "=", assigneeId).executeTakeFirst();
      if (!stays) {
        changes.push({ field: "assigneeId", from: assigneeId, to: null });
        set.assignee_id = null;
        assigneeId = null;
      }
    }
    await checkRefs(trx, { requesterId: input.requesterId, assignmentGroupId: groupId, assigneeId: input.assigneeId !== undefined || input.assignmentGroupId !== undefined ? assigneeId : undefined, ciId: input.ciId, affectedCiIds: input.affectedCiIds });
    if (def.hooks.priority) {
      if (input.priority !== undefined && input.priority !== before.priority) {
        throw new ValidationError("ticket.priority_computed", `The priority of ${def.label.toLowerCase()}s is computed from impact and urgency`, { field: "priority" });
      }
      if (input.impact !== undefined || input.urgency !== undefined) {
        const priority = await def.hooks.priority(trx, input.impact ?? before.impact, input.urgency ?? before.urgency, {});
        if (priority !== before.priority) {
          changes.push({ field: "priority", from: before.priority, to: priority });
          set.priority = priority;
        }
      }
    }
    const now = nowIso();
    if (Object.keys(set).length) {
      const updated = await trx
        .updateTable("tickets")
        .set({ ...set, version: sql`version + 1`, updated_at: now })
        .where("id", "=", Number(before.id))
        .where("version", "=", before.version)
        .returning("id")
        .executeTakeFirst();
      if (!updated) throw new ConflictError("ticket.stale", `${before.number} changed meanwhile; reload it`);
    }
    if (input.affectedCiIds !== undefined) {
      const was = (before.affectedCis ?? (await withRelations(trx, { ...before })).affectedCis ?? []).map((c) => c.id).sort();
      if (JSON.stringify(was) !== JSON.stringify([...input.affectedCiIds].sort())) {
        changes.push({ field: "affectedCiIds", from: was, to: input.affectedCiIds });
        await setAffectedCis(trx, before.id, input.affectedCiIds);
      }
    }
    // Kind rules (e.g. change risk) read the impacted services: bring them up to date first.
    const cisChanged = changes.some((c) => c.field === "ciId" || c.field === "affectedCiIds");
    if (cisChanged) await refreshServices(trx, before.id);
    if (def.hooks.update) changes.push(...(await def.hooks.update(trx, actor, before, input)));
    if (!changes.length) return decorate(trx, actor, before);
    if (!Object.keys(set).length) {
      await trx.updateTable("tickets").set({ version: sql`version + 1`, updated_at: now }).where("id", "=", Number(before.id)).execute();
    }
    await addEntry(trx, actor, before.id, { type: "field_change", public: false, data: { changes } }, now);
    await recordAudit(trx, actor, {
      action: "update",
      entity: "ticket",
      entityId: before.number,
      before: Object.fromEntries(changes.map((c) => [c.field, c.from])),
      after: Object.fromEntries(changes.map((c) => [c.field, c.to])),
    });
    await emit(trx, { type: "ticket.updated", payload: { id: before.id, number: before.number, kind: before.kind, fields: changes.map((c) => c.field) } });
    return decorate(trx, actor, await requireTicket(trx, before.id));
  });
}

export { listTickets } from "./tickets.list.js";
