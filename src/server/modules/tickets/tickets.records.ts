/** Reading tickets: the joined row, its API shape, and loading by number or id. */
import { sql, type CompiledQuery, type RawBuilder } from "kysely";
import type { Ticket } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { isPostgres, toBool } from "../../platform/db/dialect.js";
import { NotFoundError } from "../../platform/errors.js";
import { allKinds, kindDef } from "./tickets.kinds.js";

/** The select every ticket read goes through: the row plus the names it references. */
export function ticketQuery(db: DbOrTrx) {
  return db
    .selectFrom("tickets as t")
    .leftJoin("users as rq", "rq.id", "t.requester_id")
    .leftJoin("users as asg", "asg.id", "t.assignee_id")
    .leftJoin("groups as g", "g.id", "t.assignment_group_id")
    .leftJoin("cis as ci", "ci.id", "t.ci_id")
    .select([
      "t.id", "t.kind", "t.number", "t.title", "t.description", "t.state", "t.is_open", "t.priority", "t.impact", "t.urgency",
      "t.requester_id", "t.caller_contact", "t.assignment_group_id", "t.assignee_id", "t.ci_id", "t.category", "t.subcategory",
      "t.channel", "t.tags", "t.on_hold_reason", "t.resolution_code", "t.resolution_notes", "t.major", "t.version",
      "t.created_by", "t.created_at", "t.updated_at", "t.resolved_at", "t.closed_at",
      "rq.name as requester_name", "asg.name as assignee_name", "g.name as group_name", "ci.name as ci_name",
    ]);
}

export type TicketRow = Awaited<ReturnType<ReturnType<typeof ticketQuery>["executeTakeFirstOrThrow"]>>;

const ref = (id: string | null, name: string | null) => (id ? { id, name: name ?? id } : null);

/** The API shape of a joined row (without the per-ticket extras). */
export function toTicket(r: TicketRow): Ticket {
  return {
    id: String(r.id),
    kind: r.kind as Ticket["kind"],
    number: r.number,
    title: r.title,
    description: r.description,
    state: r.state,
    open: toBool(r.is_open),
    priority: r.priority,
    impact: r.impact,
    urgency: r.urgency,
    requester: ref(r.requester_id, r.requester_name),
    callerContact: r.caller_contact,
    assignmentGroup: ref(r.assignment_group_id, r.group_name),
    assignee: ref(r.assignee_id, r.assignee_name),
    ci: ref(r.ci_id, r.ci_name),
    category: r.category,
    subcategory: r.subcategory,
    channel: r.channel as Ticket["channel"],
    tags: JSON.parse(r.tags) as string[],
    onHoldReason: r.on_hold_reason as Ticket["onHoldReason"],
    resolutionCode: r.resolution_code,
    resolutionNotes: r.resolution_notes,
    major: toBool(r.major),
    version: r.version,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    resolvedAt: r.resolved_at,
    closedAt: r.closed_at,
  };
}

/** The fields of a ticket as lists answer it (toTicket's), in answer order. */
export const TICKET_LIST_FIELDS = [
  "id", "kind", "number", "title", "description", "state", "open", "priority", "impact", "urgency", "requester", "callerContact",
  "assignmentGroup", "assignee", "ci", "category", "subcategory", "channel", "tags", "onHoldReason", "resolutionCode", "resolutionNotes",
  "major", "version", "createdBy", "createdAt", "updatedAt", "resolvedAt", "closedAt",
] as const;

/**
 * SQLite: the API shape of a joined row (ticketQuery's aliases), as JSON text built by SQLite
 * itself (the same fields and values as toTicket, without the per-ticket extras). A page of 50
 * then crosses into JavaScript as 50 strings instead of 50 objects of 33 columns that are
 * serialised again: converting the columns cost more than SQLite's whole query. With `only`,
 * just those of TICKET_LIST_FIELDS (a list's `fields`), in the same order.
 */
export function ticketJsonSqlite(only?: ReadonlySet<string>) {
  const ref = (id: string, name: string) => sql.raw(`json(iif(${id} is null or ${id} = '', null, json_object('id', ${id}, 'name', coalesce(${name}, ${id}))))`);
  const bool = (col: string) => sql.raw(`json(iif(${col}, 'true', 'false'))`);
  const c = (col: string) => sql.ref(col);
  const value: Record<(typeof TICKET_LIST_FIELDS)[number], RawBuilder<unknown>> = {
    id: sql`cast(t.id as text)`, kind: c("t.kind"), number: c("t.number"), title: c("t.title"), description: c("t.description"),
    state: c("t.state"), open: bool("t.is_open"), priority: c("t.priority"), impact: c("t.impact"), urgency: c("t.urgency"),
    requester: ref("t.requester_id", "rq.name"), callerContact: c("t.caller_contact"),
    assignmentGroup: ref("t.assignment_group_id", "g.name"), assignee: ref("t.assignee_id", "asg.name"), ci: ref("t.ci_id", "ci.name"),
    category: c("t.category"), subcategory: c("t.subcategory"), channel: c("t.channel"), tags: sql`json(t.tags)`,
    onHoldReason: c("t.on_hold_reason"), resolutionCode: c("t.resolution_code"), resolutionNotes: c("t.resolution_notes"),
    major: bool("t.major"), version: c("t.version"), createdBy: c("t.created_by"), createdAt: c("t.created_at"),
    updatedAt: c("t.updated_at"), resolvedAt: c("t.resolved_at"), closedAt: c("t.closed_at"),
  };
  const pairs = TICKET_LIST_FIELDS.filter((f) => !only || only.has(f)).map((f) => sql`${sql.lit(f)}, ${value[f]}`);
  return sql<string>`json_object(${sql.join(pairs)})`;
}

/** Parses a ticket reference: a number (INC0001001, any case) or a numeric id. */
export function parseRef(refText: string): { number: string } | { id: number } {
  if (/^[0-9]+$/.test(refText)) return { id: Number(refText) };
  return { number: refText.toUpperCase() };
}

/** Loads one ticket by number or id (no visibility check; callers apply the policy). */
export async function findTicket(db: DbOrTrx, refText: string): Promise<Ticket | null> {
  const parsed = parseRef(refText);
  // Compiled once (runCompiled): building the joined select cost about as much as running it.
  const [row] =
    "id" in parsed
      ? await runCompiled<TicketRow>(db, "ticket-by-id", () => ticketQuery(db).where("t.id", "=", param("id") as unknown as number).compile(), { id: parsed.id })
      : await runCompiled<TicketRow>(db, "ticket-by-number", () => ticketQuery(db).where("t.number", "=", param("number")).compile(), { number: parsed.number });
  return row ? toTicket(row) : null;
}

/** Loads one ticket or throws 404 `ticket.not_found`. */
export async function requireTicket(db: DbOrTrx, refText: string): Promise<Ticket> {
  const t = await findTicket(db, refText);
  if (!t) throw new NotFoundError("ticket.not_found", `No ticket ${refText}`, { ref: refText });
  return t;
}

/** Adds kind fields (problem, change) to tickets, one query per kind present. */
export async function withKindFields(db: DbOrTrx, tickets: Ticket[]): Promise<Ticket[]> {
  for (const def of allKinds()) {
    if (!def.hooks.load) continue;
    const ids = tickets.filter((t) => t.kind === def.kind).map((t) => t.id);
    if (!ids.length) continue;
    const extra = await def.hooks.load(db, ids);
    for (const t of tickets) Object.assign(t, extra.get(t.id) ?? {});
  }
  return tickets;
}

/** Adds the impacted services, further affected CIs and watchers of one ticket. */
export async function withRelations(db: DbOrTrx, ticket: Ticket): Promise<Ticket> {
  const id = Number(ticket.id);
  const cis = await runCompiled<{ role: string; id: string; name: string }>(db, "ticket-cis", () =>
    db.selectFrom("ticket_cis as tc").innerJoin("cis as c", "c.id", "tc.ci_id").select(["tc.role", "c.id", "c.name"]).where("tc.ticket_id", "=", param("id") as unknown as number).orderBy("c.name").compile(), { id });
  const watchers = await runCompiled<{ id: string; name: string }>(db, "ticket-watchers", () =>
    db.selectFrom("ticket_watchers as w").innerJoin("users as u", "u.id", "w.user_id").select(["u.id", "u.name"]).where("w.ticket_id", "=", param("id") as unknown as number).orderBy("u.name").compile(), { id });
  ticket.services = cis.filter((c) => c.role === "service").map((c) => ({ id: c.id, name: c.name }));
  ticket.affectedCis = cis.filter((c) => c.role === "affected").map((c) => ({ id: c.id, name: c.name }));
  ticket.watchers = watchers;
  return ticket;
}

/** The flow's view of a state: open or not (kept denormalised in tickets.is_open). */
export function stateIsOpen(kind: string, state: string): boolean {
  return kindDef(kind).flow.states[state]?.open ?? true;
}

/** SQL for "this ticket row", for conditional updates. */
export const byId = (id: string | number) => sql<boolean>`id = ${Number(id)}`;

/**
 * Statements of the creation hot path, compiled by Kysely once per dialect and then run with
 * fresh values: building a query tree cost more than running it (bench/ticket-create.mjs).
 * `build` compiles a query that uses `param(name)` for every value; `values` holds them by name (or,
 * for names "0", "1", ..., in an array). Booleans are passed as the dialect stores them.
 */
const compiledByDialect = new Map<string, { query: CompiledQuery; slots: Array<string | number | null> }>();
export async function runCompiled<R>(db: DbOrTrx, key: string, build: () => CompiledQuery<R>, values: Record<string, unknown> | readonly unknown[]): Promise<R[]> {
  const full = isPostgres(db) ? `pg:${key}` : key;
  let entry = compiledByDialect.get(full);
  if (!entry) {
    // Where each named value goes, worked out once: a batch insert has ~1,500 parameters.
    const query = build();
    const slots = query.parameters.map((v) => {
      if (typeof v !== "string" || !v.startsWith(PARAM)) return null;
      const name = v.slice(PARAM.length);
      return /^[0-9]+$/.test(name) ? Number(name) : name;
    });
    compiledByDialect.set(full, (entry = { query, slots }));
  }
  const { query, slots } = entry;
  const parameters = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i];
    parameters[i] = slot === null ? query.parameters[i] : (values as Record<string | number, unknown>)[slot];
  }
  return (await db.executeQuery<R>({ ...query, parameters } as CompiledQuery<R>)).rows;
}
const PARAM = "\u0000ticket-param:";
/** A named placeholder for runCompiled. */
export const param = (name: string): string => `${PARAM}${name}`;

/**
 * The business services a failure of `ciId` impacts (itself included when it is one), by
 * name: the same walk as the CMDB's downstream impact (relationship types by their impact
 * direction, at most CMDB_MAX_DEPTH hops, classes under business_service) in one recursive
 * query, instead of a query per level and per class.
 */
export async function impactedServicesOf(db: DbOrTrx, ciId: string): Promise<Array<{ id: string; name: string }>> {
  const pg = isPostgres(db);
  return runCompiled(db, "impacted-services", () => {
    const depth = sql.lit(CMDB_MAX_DEPTH);
    // SQLite walks each direction with its own index (half the time of one OR join);
    // PostgreSQL allows only one recursive reference, hence the OR there.
    const step = pg
      ? sql`select case when r.target_id = reach.id then r.source_id else r.target_id end, reach.depth + 1
          from reach join ci_relationships r on r.target_id = reach.id or r.source_id = reach.id join ci_relationship_types rt on rt.name = r.type
          where reach.depth < ${depth} and ((r.target_id = reach.id and rt.impact in ('target_to_source', 'both')) or (r.source_id = reach.id and rt.impact in ('source_to_target', 'both')))`
      : sql`select r.source_id, reach.depth + 1 from reach join ci_relationships r on r.target_id = reach.id
          where reach.depth < ${depth} and r.type in (select name from ci_relationship_types where impact in ('target_to_source', 'both'))
          union
          select r.target_id, reach.depth + 1 from reach join ci_relationships r on r.source_id = reach.id
          where reach.depth < ${depth} and r.type in (select name from ci_relationship_types where impact in ('source_to_target', 'both'))`;
    return sql<{ id: string; name: string }>`
      with recursive svc(name) as (
        select ${sql.lit("business_service")}
        union
        select c.name from ci_classes c join svc on c.parent = svc.name
      ),
      reach(id, depth) as (
        select cast(${param("ci")} as text), 0
        union
        ${step}
      )
      select c.id, c.name from cis c where c.id in (select id from reach) and c.class in (select name from svc) order by c.name`.compile(db);
  }, { ci: ciId });
}
/** The CMDB's impact depth limit (cmdb.impact.ts MAX_DEPTH). */
const CMDB_MAX_DEPTH = 10;
