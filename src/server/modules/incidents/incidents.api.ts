/** What other modules (events, automation) call to open and work incidents. */
import type { CreateTicketBody, Ticket } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { createTicket } from "../tickets/index.js";

/** Opens an incident (channel, CI, group, impact/urgency as given; priority from the matrix). */
export async function createIncident(db: Db, actor: Actor, input: CreateTicketBody): Promise<Ticket> {
  return createTicket(db, actor, "incident", input);
}
