/**
 * The ticket core as the problems module uses it: one seam, so the module depends on the
 * core's public surface in one place only.
 */
import type { Ticket } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { NotFoundError } from "../../platform/errors.js";
import { findTicket } from "../tickets/index.js";

export { addEntry, findTicket, linkTickets, requireEditable, ticketSettings, transitionTicket } from "../tickets/index.js";

/** Loads a ticket of kind problem by number or id, or throws 404 `problem.not_found`. */
export async function requireProblem(db: DbOrTrx, ref: string): Promise<Ticket> {
  const ticket = await findTicket(db, ref);
  if (!ticket || ticket.kind !== "problem") throw new NotFoundError("problem.not_found", `No problem ${ref}`, { ref });
  return ticket;
}
