/** Finding a change ticket by reference, with its stored change fields. */
import type { Ticket } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { NotFoundError } from "../../platform/errors.js";
import { findTicket } from "../tickets/index.js";
import { blankChange, loadStored, type StoredChange } from "./changes.fields.js";

/** Loads a change (by number or id) or throws 404 `change.not_found` (also for other kinds). */
export async function requireChange(db: DbOrTrx, ref: string): Promise<{ ticket: Ticket; fields: StoredChange }> {
  const ticket = await findTicket(db, ref);
  if (!ticket || ticket.kind !== "change") throw new NotFoundError("change.not_found", `No change ${ref}`, { ref });
  const fields = (await loadStored(db, ticket.id)) ?? blankChange("moderate");
  return { ticket, fields };
}
