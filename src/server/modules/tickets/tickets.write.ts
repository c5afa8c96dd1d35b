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
/** Rows of a batch's creations written with one statement per table after them (timeline, services, audit, outbox). */
export interface Deferred {
  audit: Parameters<typeof auditRow>[];
  outbox: Array<{ type: string; payload: Record<string, unknown> }>;
  timeline: Array<Record<string, unknown>>;
  services: Array<Record<string, unknown>>;
}

/** An empty set of deferred rows. */
export function deferredRows(): Deferred {
  return { audit: [], outbox: [], timeline: [], services: [] };
}

/** How many rows each deferred list holds (to roll a savepoint's share back). */
export function deferredMark(d: Deferred): Record<keyof Deferred, number> {
  return { audit: d.audit.length, outbox: d.outbox.length, timeline: d.timeline.length, services: d.services.length };
}

/** Drops the rows deferred after `mark`. */
export function rollBackDeferred(d: Deferred, mark: Record<keyof Deferred, number>): void {
  for (const key of Object.keys(mark) as Array<keyof Deferred>) d[key].length = mark[key];
}

/**
 * Inserts rows of one shape in a few statements compiled once per table, columns and row count
 * (building a multi-row insert cost about as much per row as running it). Row counts are
 * powers of two (a batch of 13 is 8 + 4 + 1), so that a handful of statements per table stays
 * in the prepared-statement cache instead of one per batch size.
 */
export async function insertRows(trx: Trx, table: "ticket_timeline" | "ticket_cis" | "audit_log" | "outbox", rows: Array<Record<string, unknown>>): Promise<void> {
  await insertChunks(trx, table, rows);
}

/**
 * The multi-row inserts of insertRows (and of the tickets rows, with `returning`): chunks of a
 * power of two rows, each statement compiled once per table, columns, row count and returning.
 * On SQLite the tickets rows' ids are read back by number after the inserts instead (see ticketIds).
 *
 * The tickets rows go in one statement of exactly their number (up to MAX_ROWS), not in powers
 * of two: their full-text trigger feeds SQLite's FTS5 index, which writes what it has gathered
 * as a new segment whenever the next statement of the transaction starts (FTS5 flushes at every
 * statement savepoint), and every segment is merged again later. A batch of 45 in chunks of
 * 32 + 8 + 4 + 1 wrote four segments; on a copy of the ticket bench's database, 800 such batches
 * cost 122 us per ticket (tickets rows, timeline, commit) against 94-106 us in one statement,
 * the slowest 1% of batches 25 ms against 18 ms. A batch size is then one statement of its own
 * (at most MAX_ROWS of them for tickets).
 */
async function insertChunks<R = never>(trx: Trx, table: "tickets" | "ticket_timeline" | "ticket_cis" | "audit_log" | "outbox", rows: Array<Record<string, unknown>>, returning?: Array<"id" | "number">): Promise<R[]> {
  const out: R[] = [];
  if (!rows.length) return out;
  const readBack = returning !== undefined && !isPostgres(trx);
  const inline = readBack ? undefined : returning;
  const cols = Object.keys(rows[0]);
  const shape = `${table}:${cols.join(",")}${inline ? `:${inline.join(",")}` : ""}`;
  const exact = table === "tickets";
  for (let at = 0; at < rows.length; ) {
    let n = 1;
    if (exact) n = Math.min(rows.length - at, MAX_ROWS);
    else while (n * 2 <= Math.min(rows.length - at, MAX_ROWS)) n *= 2;
    // Values in statement order, named by position: row i, column j is parameter i * width + j.
    const values = new Array<unknown>(n * cols.length);
    for (let i = 0, k = 0; i < n; i++) for (let j = 0; j < cols.length; j++) values[k++] = rows[at + i][cols[j]];
    const key = `rows:${shape}:${n}`;
    const result = await runCompiled<R>(trx, key, () => {
      const insert = trx.insertInto(table).values(Array.from({ length: n }, (_, i) => Object.fromEntries(cols.map((c, j) => [c, param(String(i * cols.length + j))]))) as never);
      return inline ? insert.returning(inline as never).compile() : insert.compile();
    }, values);
    if (inline) out.push(...result);
    at += n;
  }
  if (readBack) out.push(...((await ticketIds(trx, rows.map((r) => r.number as string))) as R[]));
  return out;
}

/**
 * The ids of tickets just written, by number (SQLite). An INSERT ... RETURNING of a batch's
 * tickets rows cost a third more than the same INSERT and this indexed read (3 rows, a copy of
 * the ticket bench's database: ~450-540 us against ~340-350 us): SQLite runs RETURNING as a
 * trigger of its own, and the tickets table has the full-text one already.
 */
async function ticketIds(trx: Trx, numbers: string[]): Promise<Array<{ id: number; number: string }>> {
  return runCompiled<{ id: number; number: string }>(trx, "ticket-ids-by-number", () =>
    sql<{ id: number; number: string }>`select id, number from tickets where number in (select value from json_each(${param("numbers")}))`.compile(trx), { numbers: JSON.stringify(numbers) });
}

/** Most rows in one statement (a tickets row's ~25 columns x 64 stays far below both databases' parameter limits). */
const MAX_ROWS = 64;

/** Names of the users, groups and CIs that a group commit's creations reference, by id. */
export interface NameBook {
  users: Map<string, string>;
  groups: Map<string, string>;
  cis: Map<string, string>;
}

/**
 * The names every creation of a batch references, read in one query for the batch (a
 * creation's own lookup was its only statement left per creation). Unknown ids are absent.
 */
export async function readNameBook(trx: Trx, items: Creation[]): Promise<NameBook> {
  const users = new Set<string>();
  const groups = new Set<string>();
  const cis = new Set<string>();
  for (const { input, requesterId } of items) {
    if (requesterId) users.add(requesterId);
    if (input.assigneeId) users.add(input.assigneeId);
    if (input.assignmentGroupId) groups.add(input.assignmentGroupId);
    if (input.ciId) cis.add(input.ciId);
  }
  const pg = isPostgres(trx);
  const ids = (set: Set<string>) => (pg ? [...set] : JSON.stringify([...set]));
  const rows = await runCompiled<{ k: string; id: string; name: string }>(trx, "batch-names", () => {
    const among = (name: string) => (pg ? sql`= any(cast(${param(name)} as text[]))` : sql`in (select value from json_each(${param(name)}))`);
    return sql<{ k: string; id: string; name: string }>`select 'u' as k, id, name from users where id ${among("u")}
      union all select 'g' as k, id, name from groups where id ${among("g")}
      union all select 'c' as k, id, name from cis where id ${among("c")}`.compile(trx);
  }, { u: ids(users), g: ids(groups), c: ids(cis) });
  const book: NameBook = { users: new Map(), groups: new Map(), cis: new Map() };
  for (const r of rows) (r.k === "u" ? book.users : r.k === "g" ? book.groups : book.cis).set(r.id, r.name);
  return book;
}

/** Users, group and CI a creation names, checked and named in one query (or from its batch's book). */
async function referencedNames(trx: Trx, item: Creation, book?: NameBook) {
  const { input, requesterId } = item;
  const names = book
    ? {
        rq: requesterId ? (book.users.get(requesterId) ?? null) : null,
        g: input.assignmentGroupId ? (book.groups.get(input.assignmentGroupId) ?? null) : null,
        asg: input.assigneeId ? (book.users.get(input.assigneeId) ?? null) : null,
        ci: input.ciId ? (book.cis.get(input.ciId) ?? null) : null,
      }
    : (
        await runCompiled<{ rq: string | null; g: string | null; asg: string | null; ci: string | null }>(
          trx,
          "create-names",
          () => sql<{ rq: string | null; g: string | null; asg: string | null; ci: string | null }>`select
      (select name from users where id = ${param("rq")}) as rq, (select name from groups where id = ${param("g")}) as g,
      (select name from users where id = ${param("asg")}) as asg, (select name from cis where id = ${param("ci")}) as ci`.compile(trx),
          { rq: requesterId ?? "", g: input.assignmentGroupId ?? "", asg: input.assigneeId ?? "", ci: input.ciId ?? "" },
        )
      )[0];
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
  /** Its tickets row, when the batch inserted it with the others. */
  row?: TicketRow;
}
/** A written tickets row: its id and the ticket it describes, without references. */
type TicketRow = { id: string; ticket: Ticket };

/** The checks of a creation (they only read): references, kind rules, priority and initial state. */
export async function planCreation(trx: Trx, item: Creation, book?: NameBook): Promise<Plan> {
  const { actor, kind, input, requesterId } = item;
  const def = kindDef(kind);
  const simple = !input.parent && !input.watcherIds?.length && !input.affectedCiIds?.length && !def.hooks.afterCreate && !def.hooks.load;
  const names = simple ? await referencedNames(trx, item, book) : null;
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
  const row = plan.row ?? (await insertTicketRow(trx, item, { number, state, open: def.flow.states[state]?.open ?? true, priority, impact, urgency }));
  const id = row.id;
  if (input.watcherIds?.length) await trx.insertInto("ticket_watchers").values(input.watcherIds.map((user_id) => ({ ticket_id: Number(id), user_id }))).execute();
  if (input.affectedCiIds?.length) await setAffectedCis(trx, id, input.affectedCiIds);
  const services = simple && input.ciId ? await writeServices(trx, id, input.ciId, item.services, deferred) : [];
  if (!simple && (input.ciId || input.affectedCiIds?.length)) await refreshServices(trx, id);
  const created = { type: "created" as const, public: true, data: { state, priority } };
  if (simple) await writeCreatedEntry(trx, actor, id, created.data, row.ticket.createdAt, deferred);
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
  // Filled in place: the object was built with every field (copying its ~30 fields into a new
  // object per creation showed in the profile).
  const ticket = row.ticket;
  ticket.requester = ref(requesterId, names.rq);
  ticket.assignmentGroup = ref(input.assignmentGroupId, names.g);
  ticket.assignee = ref(input.assigneeId, names.asg);
  ticket.ci = ref(input.ciId, names.ci);
  ticket.services = services;
  ticket.allowedTransitions = await allowedTransitions(trx, actor, ticket);
  return ticket;
}

/** What a creation writes to tickets: the row's values and the ticket they describe. */
function ticketValues(trx: Trx, item: Creation, f: { number: string; state: string; open: boolean; priority: number; impact: number; urgency: number }) {
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
  const ticket: Ticket = {
    id: "", kind, number: f.number, title: values.title, description: values.description, state: f.state, open: f.open, priority: f.priority, impact: f.impact, urgency: f.urgency,
    requester: null, callerContact: values.caller_contact, assignmentGroup: null, assignee: null, ci: null, category: values.category, subcategory: values.subcategory,
    channel, tags, onHoldReason: null, resolutionCode: null, resolutionNotes: null, major: input.major ?? false, version: 1, createdBy: actor.id, createdAt: now,
    updatedAt: now, resolvedAt: null, closedAt: null, services: [], affectedCis: [], watchers: [],
  };
  return { values, ticket };
}

/** Inserts the tickets row (a compiled statement); returns its id and the ticket it describes, without references. */
async function insertTicketRow(trx: Trx, item: Creation, f: Parameters<typeof ticketValues>[2]): Promise<TicketRow> {
  const { values, ticket } = ticketValues(trx, item, f);
  const pg = isPostgres(trx);
  // SQLite: no RETURNING, the id read back by number (see ticketIds).
  const returned = await runCompiled<{ id: number }>(trx, "create-ticket", () => {
    const insert = trx.insertInto("tickets").values(Object.fromEntries(Object.keys(values).map((k) => [k, param(k)])) as never);
    return pg ? insert.returning("id").compile() : insert.compile();
  }, values);
  const [row] = pg ? returned : await ticketIds(trx, [values.number]);
  ticket.id = String(row.id);
  return { id: ticket.id, ticket };
}

/**
 * Inserts the tickets rows of a batch's planned creations (numbered, answered without
 * read-back) in a few multi-row statements; each plan gets its row. Ids come back by number.
 */
export async function insertPlannedTickets(trx: Trx, items: Creation[], plans: Plan[]): Promise<void> {
  if (!items.length) return;
  const written = items.map((item, i) => {
    const p = plans[i];
    return ticketValues(trx, item, { number: p.number!, state: p.state, open: kindDef(item.kind).flow.states[p.state]?.open ?? true, priority: p.priority, impact: p.impact, urgency: p.urgency });
  });
  const ids = new Map<string, string>();
  const rows = await insertChunks<{ id: number; number: string }>(trx, "tickets", written.map((w) => w.values as Record<string, unknown>), ["id", "number"]);
  for (const r of rows) ids.set(r.number, String(r.id));
  written.forEach((w, i) => {
    const id = ids.get(w.ticket.number)!;
    w.ticket.id = id;
    plans[i].row = { id, ticket: w.ticket };
  });
}

/** Records the business services the ticket's CI impacts (with the batch's rows when deferred); returns them by name. */
async function writeServices(trx: Trx, id: string, ciId: string, known: Array<{ id: string; name: string }> | null | undefined, deferred: Deferred | null): Promise<Array<{ id: string; name: string }>> {
  const services = known ?? (await impactedServicesOf(trx, ciId));
  const rows = services.map((s) => ({ ticket_id: Number(id), ci_id: s.id, role: "service" }));
  if (deferred) deferred.services.push(...rows);
  else await insertRows(trx, "ticket_cis", rows);
  return services;
}

/** The `created` timeline entry: addEntry's row, with the batch's rows when deferred. */
async function writeCreatedEntry(trx: Trx, actor: Actor, id: string, data: Record<string, unknown>, at: string, deferred: Deferred | null): Promise<void> {
  const entry = { ticket_id: Number(id), at, type: "created", public: isPostgres(trx) ? true : 1, actor_id: actor.id, actor_name: actor.name, body: null, data: JSON.stringify(data) };
  if (deferred) deferred.timeline.push(entry);
  else await insertRows(trx, "ticket_timeline", [entry]);
}
