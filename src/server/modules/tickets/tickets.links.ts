/** Links between tickets (shown on both sides) and watchers. */
import type { CreateLinkBody, Ticket } from "../../../contract/index.js";
import type { Db, DbOrTrx, Trx } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { toBool } from "../../platform/db/dialect.js";
import { recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, isUniqueViolation } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { isAgent, requireEditable, requireVisible } from "./tickets.policy.js";
import { requireTicket } from "./tickets.records.js";
import { addEntry } from "./tickets.timeline.js";

/** Stored direction of each link type, and its name seen from the other side. */
const STORED = { child_of: "child_of", caused_by: "caused_by", related_to: "related_to", duplicate_of: "duplicate_of" } as const;
const REVERSE: Record<string, keyof typeof STORED> = { parent_of: "child_of", causes: "caused_by", duplicated_by: "duplicate_of" };
const SEEN_FROM_TARGET: Record<string, string> = { child_of: "parent_of", caused_by: "causes", related_to: "related_to", duplicate_of: "duplicated_by" };

/** A ticket's links, each named from its side. */
export async function listLinks(db: DbOrTrx, actor: Actor, ref: string) {
  const ticket = await requireTicket(db, ref);
  await requireVisible(db, actor, ticket);
  const id = Number(ticket.id);
  const cols = ["l.id", "l.type", "l.created_at", "o.id as oid", "o.number", "o.kind", "o.title", "o.state", "o.is_open"] as const;
  const out = await db.selectFrom("ticket_links as l").innerJoin("tickets as o", "o.id", "l.to_id").select(cols).where("l.from_id", "=", id).execute();
  const inc = await db.selectFrom("ticket_links as l").innerJoin("tickets as o", "o.id", "l.from_id").select(cols).where("l.to_id", "=", id).execute();
  const item = (r: (typeof out)[number], type: string) => ({
    id: String(r.id),
    type: type as never,
    ticket: { id: String(r.oid), number: r.number, kind: r.kind as Ticket["kind"], title: r.title, state: r.state, open: toBool(r.is_open) },
    createdAt: r.created_at,
  });
  return { items: [...out.map((r) => item(r, r.type)), ...inc.map((r) => item(r, SEEN_FROM_TARGET[r.type]))].sort((a, b) => a.createdAt.localeCompare(b.createdAt)) };
}

/** Links two tickets inside a transaction; `ticket` is the side the request came from. */
export async function linkTickets(trx: Trx, actor: Actor, ticket: Ticket, input: CreateLinkBody, field = "target"): Promise<string> {
  const other = await requireTicket(trx, input.target).catch(() => {
    throw new ValidationError("ticket.unknown_link_target", `No ticket ${input.target}`, { field });
  });
  if (other.id === ticket.id) throw new ValidationError("ticket.self_link", "A ticket cannot be linked to itself", { field });
  const reversed = input.type in REVERSE;
  const type = reversed ? REVERSE[input.type] : (input.type as keyof typeof STORED);
  const [from, to] = reversed ? [other, ticket] : [ticket, other];
  if (type === "child_of") await refuseCycle(trx, from.id, to.id, field);
  const now = nowIso();
  let id: string;
  try {
    const row = await trx.insertInto("ticket_links").values({ from_id: Number(from.id), to_id: Number(to.id), type, created_by: actor.id, created_at: now }).returning("id").executeTakeFirstOrThrow();
    id = String(row.id);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError("ticket.duplicate_link", `${from.number} is already ${type.replace("_", " ")} ${to.number}`, { field });
    throw err;
  }
  for (const [self, peer, seen] of [[from, to, type], [to, from, SEEN_FROM_TARGET[type]]] as const) {
    await addEntry(trx, actor, self.id, { type: "link", public: false, data: { linkId: id, type: seen, number: peer.number, kind: peer.kind } }, now);
  }
  await recordAudit(trx, actor, { action: "ticket.link", entity: "ticket", entityId: from.number, after: { type, target: to.number } });
  await emit(trx, { type: "ticket.linked", payload: { linkId: id, type, fromId: from.id, fromNumber: from.number, toId: to.id, toNumber: to.number } });
  return id;
}

/** A ticket cannot become its own ancestor. */
async function refuseCycle(db: DbOrTrx, childId: string, parentId: string, field: string): Promise<void> {
  let frontier = [Number(parentId)];
  for (let depth = 0; frontier.length && depth < 50; depth++) {
    if (frontier.includes(Number(childId))) throw new ValidationError("ticket.link_cycle", "That link would make a ticket its own parent", { field });
    const rows = await db.selectFrom("ticket_links").select("to_id").where("type", "=", "child_of").where("from_id", "in", frontier).execute();
    frontier = rows.map((r) => Number(r.to_id));
  }
}

/** Adds a link from the API (agents who may edit the ticket). */
export async function createLink(db: Db, actor: Actor, ref: string, input: CreateLinkBody) {
  return db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ref);
    await requireVisible(trx, actor, ticket);
    await requireEditable(trx, actor, ticket);
    const id = await linkTickets(trx, actor, ticket, input);
    return (await listLinks(trx, actor, ticket.id)).items.find((l) => l.id === id)!;
  });
}

/** Removes a link (from either side). */
export async function deleteLink(db: Db, actor: Actor, ref: string, linkId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ref);
    await requireVisible(trx, actor, ticket);
    await requireEditable(trx, actor, ticket);
    const link = await trx.selectFrom("ticket_links").selectAll().where("id", "=", Number(linkId)).executeTakeFirst();
    if (!link || (String(link.from_id) !== ticket.id && String(link.to_id) !== ticket.id)) throw new NotFoundError("ticket.link_not_found", `No link ${linkId} on ${ticket.number}`);
    await trx.deleteFrom("ticket_links").where("id", "=", Number(linkId)).execute();
    const now = nowIso();
    for (const side of [link.from_id, link.to_id]) await addEntry(trx, actor, side, { type: "link", public: false, data: { linkId, removed: true, type: link.type } }, now);
    await recordAudit(trx, actor, { action: "ticket.unlink", entity: "ticket", entityId: ticket.number, before: { linkId, type: link.type } });
    await emit(trx, { type: "ticket.unlinked", payload: { linkId, type: link.type, fromId: String(link.from_id), toId: String(link.to_id) } });
  });
}

/** Adds a watcher: agents add anyone; a requester may add only themselves to a ticket they see. */
export async function addWatcher(db: Db, actor: Actor, ref: string, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ref);
    await requireVisible(trx, actor, ticket);
    if (!isAgent(actor) && userId !== actor.id) throw new ForbiddenError("ticket.watcher_forbidden", "You may only add yourself as a watcher");
    const user = await trx.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst();
    if (!user) throw new ValidationError("ticket.unknown_user", `No user ${userId}`, { field: "userId" });
    const exists = await trx.selectFrom("ticket_watchers").select("user_id").where("ticket_id", "=", Number(ticket.id)).where("user_id", "=", userId).executeTakeFirst();
    if (exists) return;
    await trx.insertInto("ticket_watchers").values({ ticket_id: Number(ticket.id), user_id: userId }).execute();
    await recordAudit(trx, actor, { action: "ticket.watch", entity: "ticket", entityId: ticket.number, after: { userId } });
  });
}

/** Removes a watcher (agents, or the watcher themselves). */
export async function removeWatcher(db: Db, actor: Actor, ref: string, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ticket = await requireTicket(trx, ref);
    await requireVisible(trx, actor, ticket);
    if (!isAgent(actor) && userId !== actor.id) throw new ForbiddenError("ticket.watcher_forbidden", "You may only remove yourself as a watcher");
    const gone = await trx.deleteFrom("ticket_watchers").where("ticket_id", "=", Number(ticket.id)).where("user_id", "=", userId).executeTakeFirst();
    if (!Number(gone.numDeletedRows)) throw new NotFoundError("ticket.watcher_not_found", `${userId} does not watch ${ticket.number}`);
    await recordAudit(trx, actor, { action: "ticket.unwatch", entity: "ticket", entityId: ticket.number, before: { userId } });
  });
}
