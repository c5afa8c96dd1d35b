/** One ordered stream per ticket: comments, work notes, field and state changes, links, attachments. */
import type { CommentBody, TimelineEntry } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { toBool } from "../../platform/db/dialect.js";
import { emit } from "../../platform/outbox.js";
import { recordAudit } from "../../platform/audit.js";
import { ForbiddenError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { isAgent, requireVisible, seesAll } from "./tickets.policy.js";
import { requireTicket } from "./tickets.records.js";

export type TimelineType = TimelineEntry["type"];

export interface NewEntry {
  type: TimelineType;
  public: boolean;
  body?: string | null;
  data?: Record<string, unknown> | null;
}

/** Writes a timeline entry (inside the caller's transaction); returns its id. */
export async function addEntry(db: DbOrTrx, actor: Actor, ticketId: string | number, entry: NewEntry, at = nowIso()): Promise<string> {
  const row = await db
    .insertInto("ticket_timeline")
    .values({
      ticket_id: Number(ticketId),
      at,
      type: entry.type,
      public: entry.public,
      actor_id: actor.id,
      actor_name: actor.name,
      body: entry.body ?? null,
      data: entry.data ? JSON.stringify(entry.data) : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return String(row.id);
}

function toEntry(r: { id: number | string; at: string; type: string; public: boolean | number; actor_id: string | null; actor_name: string; body: string | null; data: string | null }): TimelineEntry {
  return {
    id: String(r.id),
    at: r.at,
    type: r.type as TimelineType,
    public: toBool(r.public),
    actor: r.actor_id ? { id: r.actor_id, name: r.actor_name } : null,
    actorName: r.actor_name,
    body: r.body,
    data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : null,
  };
}

/** A ticket's timeline, oldest first; requesters get public entries only; `after` gives what is new. */
export async function listTimeline(db: DbOrTrx, actor: Actor, ref: string, query: { after?: string; limit?: number }) {
  const ticket = await requireTicket(db, ref);
  await requireVisible(db, actor, ticket);
  let q = db.selectFrom("ticket_timeline").selectAll().where("ticket_id", "=", Number(ticket.id));
  if (!seesAll(actor)) q = q.where("public", "=", true);
  if (query.after) q = q.where("id", ">", Number(query.after));
  const rows = await q.orderBy("id").limit(query.limit ?? 500).execute();
  return { items: rows.map(toEntry) };
}

/**
 * Adds a public comment, a work note (agents only) or a major-incident communication (agents
 * only). Requesters may comment on their own tickets.
 */
export async function addComment(db: DbOrTrx, actor: Actor, ref: string, input: CommentBody): Promise<TimelineEntry> {
  const type = input.type ?? "comment";
  return db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ref);
    await requireVisible(trx, actor, ticket);
    if (type !== "comment" && !isAgent(actor)) throw new ForbiddenError("ticket.work_note_forbidden", "Only agents may write work notes", { field: "type" });
    if (!isAgent(actor) && !ticket.open && ticket.state !== "resolved") throw new ForbiddenError("ticket.closed", `${ticket.number} is ${ticket.state}; it takes no more comments`);
    const at = nowIso();
    const id = await addEntry(trx, actor, ticket.id, { type, public: type !== "work_note", body: input.body }, at);
    await trx.updateTable("tickets").set({ updated_at: at }).where("id", "=", Number(ticket.id)).execute();
    await emit(trx, { type: "ticket.commented", payload: { id: ticket.id, number: ticket.number, kind: ticket.kind, entryId: id, entryType: type, public: type !== "work_note", byRequester: !isAgent(actor) } });
    await recordAudit(trx, actor, { action: `ticket.${type}`, entity: "ticket", entityId: ticket.number, after: { entryId: id } });
    const row = await trx.selectFrom("ticket_timeline").selectAll().where("id", "=", Number(id)).executeTakeFirstOrThrow();
    return toEntry(row);
  });
}
