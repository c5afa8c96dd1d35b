/** Ticket lists: filters, quick search (number or full text), sort and capped totals. */
import { sql, type ExpressionBuilder } from "kysely";
import type { ListTicketsQuery, Ticket } from "../../../contract/index.js";
import type { Database, DbOrTrx } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { isPostgres } from "../../platform/db/dialect.js";
import { pageTotal, sortSpec } from "../../platform/list.js";
import { requireTicketAccess, seesAll } from "./tickets.policy.js";
import { ValidationError } from "../../platform/errors.js";
import { parseRef, TICKET_LIST_FIELDS, ticketJsonSqlite, ticketQuery, toTicket, withKindFields } from "./tickets.records.js";
import { kindDef } from "./tickets.kinds.js";

const SORTS = { createdAt: "t.created_at", updatedAt: "t.updated_at", priority: "t.priority", number: "t.number", state: "t.state" };
/** A quick search that is a ticket number (or id) looks it up directly. */
const NUMBER_LIKE = /^([A-Za-z]{3,4}[0-9]{4,}|[0-9]+)$/;

type Eb = ExpressionBuilder<Database & { t: Database["tickets"] }, "t">;

/** Words of a quick search, reduced to letters and digits (no query syntax reaches the engine). */
export function searchWords(text: string): string[] {
  return (text.normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
}

/**
 * Full-text condition: every word, as a prefix, in number, title or description. On SQLite the
 * full-text index is joined as f (see filtered), so that a list newest first reads its matches
 * in rowid order and stops at the page instead of collecting every match of a common word.
 */
function fullText(db: DbOrTrx, words: string[]) {
  if (isPostgres(db)) {
    const query = words.map((w) => `${w.toLowerCase()}:*`).join(" & ");
    return sql<boolean>`t.search @@ to_tsquery('simple', ${query})`;
  }
  const query = words.map((w) => `"${w}"*`).join(" ");
  return sql<boolean>`f.tickets_fts match ${query}`;
}

const csv = (value: string) => value.split(",").map((v) => v.trim()).filter(Boolean);

/** What a list item may hold: the ticket's own fields, and the kind's (problem, change). */
const KIND_FIELDS = ["problem", "change"] as const;
const ITEM_FIELDS = new Set<string>([...TICKET_LIST_FIELDS, ...KIND_FIELDS]);

/**
 * The item fields a list's `fields` asks for (id always), or null for every field; a name
 * that is not a list item's field is a 400 naming it.
 */
export function listFields(text: string | undefined): Set<string> | null {
  if (text === undefined) return null;
  const names = csv(text);
  const unknown = names.filter((n) => !ITEM_FIELDS.has(n));
  if (unknown.length) {
    throw new ValidationError("request.invalid", `fields: ${unknown.map((n) => `'${n}'`).join(", ")} ${unknown.length > 1 ? "are not fields" : "is not a field"} of a list item; choose from ${[...ITEM_FIELDS].join(", ")}`, { field: "fields", unknown, allowed: [...ITEM_FIELDS] });
  }
  return new Set(["id", ...names]);
}

/** The item with only the chosen fields, in the order of the full item. */
function pick(item: Record<string, unknown>, fields: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(item)) if (fields.has(k)) out[k] = item[k];
  return out;
}

/**
 * Lists tickets; requesters see only theirs (requested or watched), whatever the filters say.
 * The filters and the sort run on the tickets table alone, which picks the page's ids (from an
 * index when one fits); only those rows are then read with the names they reference. Reading
 * the joined rows for the whole offset cost ~2 µs per skipped row (10 ms at offset 5,000);
 * the capped total is counted on the same join-free query (platform/list.ts pageTotal).
 */
export async function listTickets(db: DbOrTrx, actor: Actor, query: ListTicketsQuery): Promise<TicketPage> {
  // The page as objects, every field: `fields` shapes only what the API answers.
  const page = await listPage(db, actor, { ...query, fields: undefined }, false);
  return page as TicketPage;
}

type TicketPage = { items: Ticket[]; total: number; limit: number; offset: number };

/**
 * The list as the API answers it: on SQLite the serialised TicketList (each item built as JSON
 * by SQLite, see ticketJsonSqlite), elsewhere the page object for the route's serializer.
 */
export async function listTicketsResponse(db: DbOrTrx, actor: Actor, query: ListTicketsQuery): Promise<TicketPage | string> {
  return listPage(db, actor, query, !isPostgres(db));
}

async function listPage(db: DbOrTrx, actor: Actor, query: ListTicketsQuery, asJson: boolean): Promise<TicketPage | string> {
  requireTicketAccess(actor);
  const fields = listFields(query.fields);
  const { q, byWords } = filtered(db, actor, query);
  const sort = sortSpec(query.sort, SORTS, "-createdAt");
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  const by = sql.ref(sort.column);
  // Newest first is creation order, which on SQLite (one writer) is id order: the matches of
  // a word search are then read from the full-text index in rowid order, and the page stops
  // after `limit` of them instead of sorting every match of a common word by date
  // (bench/ticket-queries.mjs); the rowid alone is the order the index gives.
  const byRowid = byWords && !isPostgres(db) && sort.column === SORTS.createdAt && sort.direction === "desc";
  // One row past the page tells whether more follow: deep pages need no count then (pageTotal).
  const ids = (byRowid ? q.select("t.id").orderBy(sql.ref("f.rowid"), "desc") : q.select("t.id").orderBy(by, sort.direction).orderBy("t.id", sort.direction)).limit(limit + 1).offset(offset);
  const rowsQuery = byRowid
    ? ticketQuery(db).where("t.id", "in", ids).orderBy("t.id", "desc")
    : ticketQuery(db).where("t.id", "in", ids).orderBy(by, sort.direction).orderBy("t.id", sort.direction);
  const withKinds = !fields || KIND_FIELDS.some((k) => fields.has(k));
  let items: Ticket[] | string[];
  let more: boolean;
  if (asJson) {
    const rows = await rowsQuery.clearSelect().select(["t.id", "t.kind", ticketJsonSqlite(fields ?? undefined).as("json")]).execute();
    more = rows.length > limit;
    if (more) rows.pop();
    items = withKinds ? await withKindFieldsJson(db, rows, fields) : rows.map((r) => r.json);
  } else {
    const rows = await rowsQuery.execute();
    more = rows.length > limit;
    if (more) rows.pop();
    items = rows.map(toTicket);
    if (withKinds) await withKindFields(db, items);
  }
  const total = await pageTotal(q, items.length, limit, offset, db, more);
  if (asJson) return `{"items":[${items.join(",")}],"total":${total},"limit":${limit},"offset":${offset}}`;
  // Items without some of a Ticket's required fields are serialised here, not by the route's schema.
  if (fields) return JSON.stringify({ items: (items as Ticket[]).map((t) => pick(t, fields)), total, limit, offset });
  return { items: items as Ticket[], total, limit, offset };
}

/** JSON items; those of kinds with fields of their own (problem, change) get them added (when `fields` wants them). */
async function withKindFieldsJson(db: DbOrTrx, rows: Array<{ id: number | string; kind: string; json: string }>, fields: Set<string> | null): Promise<string[]> {
  const out = rows.map((r) => r.json);
  const extended = rows.flatMap((r, i) => (kindDef(r.kind).hooks.load ? [{ i, ticket: JSON.parse(r.json) as Ticket }] : []));
  if (!extended.length) return out;
  await withKindFields(db, extended.map((e) => e.ticket));
  for (const e of extended) out[e.i] = JSON.stringify(fields ? pick(e.ticket, fields) : e.ticket);
  return out;
}

/** The tickets a list query asks for, on the tickets table alone (alias t), before sorting. */
function filtered(db: DbOrTrx, actor: Actor, query: ListTicketsQuery) {
  let q = db.selectFrom("tickets as t");
  if (!seesAll(actor)) {
    const me = actor.id ?? "";
    q = q.where((eb: Eb) => eb.or([eb("t.requester_id", "=", me), eb("t.id", "in", eb.selectFrom("ticket_watchers").select("ticket_id").where("user_id", "=", me))]));
  }
  if (query.kind) q = q.where("t.kind", "=", query.kind);
  let byWords = false;
  if (query.q) {
    const text = query.q.trim();
    if (NUMBER_LIKE.test(text)) {
      const parsed = parseRef(text);
      q = "id" in parsed ? q.where((eb: Eb) => eb.or([eb("t.id", "=", parsed.id), eb("t.number", "like", `%${text}`)])) : q.where("t.number", "=", parsed.number);
    } else {
      const words = searchWords(text);
      if (words.length && !isPostgres(db)) q = q.innerJoin(sql`tickets_fts`.as("f") as never, (join) => join.on(sql<boolean>`f.rowid = t.id`));
      q = words.length ? q.where(fullText(db, words)) : q.where(sql<boolean>`1 = 0`);
      byWords = words.length > 0;
    }
  }
  if (query.state) q = q.where("t.state", "in", csv(query.state));
  if (query.open !== undefined) q = q.where("t.is_open", "=", query.open);
  if (query.priority) q = q.where("t.priority", "in", csv(query.priority).map(Number));
  if (query.assignmentGroupId === "none") q = q.where("t.assignment_group_id", "is", null);
  else if (query.assignmentGroupId === "mine") q = q.where("t.assignment_group_id", "in", (eb: Eb) => eb.selectFrom("group_members").select("group_id").where("user_id", "=", actor.id ?? ""));
  else if (query.assignmentGroupId) q = q.where("t.assignment_group_id", "=", query.assignmentGroupId);
  if (query.assigneeId === "none") q = q.where("t.assignee_id", "is", null);
  else if (query.assigneeId) q = q.where("t.assignee_id", "=", query.assigneeId === "me" ? (actor.id ?? "") : query.assigneeId);
  if (query.requesterId) q = q.where("t.requester_id", "=", query.requesterId === "me" ? (actor.id ?? "") : query.requesterId);
  if (query.ciId) {
    const ciId = query.ciId;
    q = q.where((eb: Eb) => eb.or([eb("t.ci_id", "=", ciId), eb("t.id", "in", eb.selectFrom("ticket_cis").select("ticket_id").where("ci_id", "=", ciId))]));
  }
  if (query.major !== undefined) q = q.where("t.major", "=", query.major);
  if (query.tag) {
    const pattern = `%${JSON.stringify(query.tag).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`t.tags like ${pattern} escape '\\'`);
  }
  if (query.createdFrom) q = q.where("t.created_at", ">=", new Date(query.createdFrom).toISOString());
  if (query.createdTo) q = q.where("t.created_at", "<", new Date(query.createdTo).toISOString());
  if (query.plannedFrom || query.plannedTo) {
    // Changes whose planned window overlaps the range (their window lives beside the core).
    const from = query.plannedFrom ? new Date(query.plannedFrom).toISOString() : null;
    const to = query.plannedTo ? new Date(query.plannedTo).toISOString() : null;
    q = q.where("t.id", "in", (eb: Eb) => {
      let sub = eb.selectFrom("change_details").select("ticket_id").where("planned_start", "is not", null);
      if (from) sub = sub.where("planned_end", ">", from);
      if (to) sub = sub.where("planned_start", "<", to);
      return sub;
    });
  }
  return { q, byWords };
}
