/** The incidents module: the incident flow and rules on the ticket core, and auto-close. */
import type { App, AppContext } from "../../platform/context.js";
import { closeResolvedTickets } from "./incidents.service.js";

export { INCIDENT_FLOW, INCIDENT_STATES, RESOLUTION_CODES } from "./incidents.flow.js";
export { matrixPriority, closeResolvedTickets } from "./incidents.service.js";
export { createIncident } from "./incidents.api.js";

/** How often resolved incidents are checked for closing. */
const AUTO_CLOSE_EVERY_MS = 15 * 60_000;

/** Registers the incident kind's job (the kind itself registers at import). */
export function registerIncidentsModule(_app: App, ctx: AppContext): void {
  ctx.jobs.every("incidents.auto_close", AUTO_CLOSE_EVERY_MS, async ({ db }) => {
    await closeResolvedTickets(db);
  });
}
