/**
 * Who sees and who edits a ticket. Agents (tickets.read) see every ticket; requesters
 * (tickets.own) only those they requested or watch, and only public timeline entries.
 * Editing follows the edit policy: any agent, or members of the assignment group and the assignee.
 */
import type { Ticket } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { can, type Actor } from "../../platform/auth/permissions.js";
import { ForbiddenError, NotFoundError } from "../../platform/errors.js";
import { ticketSettings } from "./tickets.settings.js";

/** True for agents and admins: they work tickets. */
export function isAgent(actor: Actor): boolean {
  return can(actor, "tickets.write");
}

/** True for anyone who may read every ticket (agents, viewers, admins). */
export function seesAll(actor: Actor): boolean {
  return can(actor, "tickets.read");
}

/** Refuses callers with no ticket permission at all. */
export function requireTicketAccess(actor: Actor): void {
  if (!seesAll(actor) && !can(actor, "tickets.own")) throw new ForbiddenError("auth.forbidden", 'This needs the "tickets.read" or "tickets.own" permission', { permission: "tickets.read" });
}

/** Throws 404 (not 403: the ticket's existence is not revealed) unless the actor may see it. */
export async function requireVisible(db: DbOrTrx, actor: Actor, ticket: Ticket): Promise<void> {
  requireTicketAccess(actor);
  if (seesAll(actor)) return;
  if (actor.id && ticket.requester?.id === actor.id) return;
  if (actor.id) {
    const watching = await db.selectFrom("ticket_watchers").select("user_id").where("ticket_id", "=", Number(ticket.id)).where("user_id", "=", actor.id).executeTakeFirst();
    if (watching) return;
  }
  throw new NotFoundError("ticket.not_found", `No ticket ${ticket.number}`, { ref: ticket.number });
}

/** True when the actor belongs to the group. */
export async function isMember(db: DbOrTrx, userId: string | null, groupId: string): Promise<boolean> {
  if (!userId) return false;
  return !!(await db.selectFrom("group_members").select("user_id").where("group_id", "=", groupId).where("user_id", "=", userId).executeTakeFirst());
}

/**
 * Refuses an agent's edit when the edit policy reserves the ticket to its group. Admins,
 * OpsDesk itself, the assignee, and anyone on an ungrouped ticket may always edit.
 */
export async function requireEditable(db: DbOrTrx, actor: Actor, ticket: Ticket): Promise<void> {
  if (!isAgent(actor)) throw new ForbiddenError("ticket.edit_forbidden", "Only agents may change this ticket", { permission: "tickets.write" });
  if (actor.kind === "system" || can(actor, "tickets.admin")) return;
  const settings = await ticketSettings(db);
  if (settings.editPolicy === "any_agent" || !ticket.assignmentGroup) return;
  if (actor.id && ticket.assignee?.id === actor.id) return;
  if (await isMember(db, actor.id, ticket.assignmentGroup.id)) return;
  throw new ForbiddenError("ticket.not_in_group", `Only members of ${ticket.assignmentGroup.name} may change ${ticket.number}`, { groupId: ticket.assignmentGroup.id });
}
