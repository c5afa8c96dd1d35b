/** One action applied to many tickets, each in its own transaction, answering per ticket. */
import type { BulkTicketBody, Ticket } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { AppError, ValidationError } from "../../platform/errors.js";
import { createLink } from "./tickets.links.js";
import { getTicket, updateTicket } from "./tickets.service.js";
import { transitionTicket } from "./tickets.transition.js";
import { isAgent } from "./tickets.policy.js";
import { ForbiddenError } from "../../platform/errors.js";

/** Assigns, transitions or links several tickets; one ticket's refusal does not stop the others. */
export async function bulkTickets(db: Db, actor: Actor, input: BulkTicketBody) {
  if (!isAgent(actor)) throw new ForbiddenError("auth.forbidden", 'This needs the "tickets.write" permission', { permission: "tickets.write" });
  const actions = [input.assign, input.transition, input.link].filter(Boolean).length;
  if (actions !== 1) throw new ValidationError("ticket.bulk_one_action", "Give exactly one of assign, transition or link", { field: "assign" });
  const items: Array<{ ref: string; ok: boolean; error?: string; message?: string; ticket?: Ticket }> = [];
  for (const ref of input.refs) {
    try {
      let ticket: Ticket;
      if (input.assign) ticket = await updateTicket(db, actor, ref, input.assign);
      else if (input.transition) ticket = await transitionTicket(db, actor, ref, input.transition);
      else {
        await createLink(db, actor, ref, input.link!);
        ticket = await getTicket(db, actor, ref);
      }
      items.push({ ref, ok: true, ticket });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      items.push({ ref, ok: false, error: err.code, message: err.message });
    }
  }
  return { items };
}
