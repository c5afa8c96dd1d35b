/**
 * Service level management: business calendars, SLA/OLA/UC definitions, clocks on tickets
 * that start, pause, stop and reset with the ticket's history, warnings and breaches fired
 * exactly once by leased timer jobs, and the compliance report.
 */
import type { App, AppContext } from "../../platform/context.js";
import type { DomainEvent } from "../../platform/outbox.js";
import { reconcileNewTickets, reconcileTicket, SLA_TIMER_JOB } from "./sla.reconcile.js";
import { slaAdminRoutes, slaRoutes } from "./sla.routes.js";

export { reconcileTicket, SLA_TIMER_JOB } from "./sla.reconcile.js";
export { ticketSlas, listSlas } from "./sla.query.js";
export { complianceReport } from "./sla.report.js";
export { createDefinition } from "./sla.definitions.js";
export { createCalendar, calendarFor } from "./sla.calendars.js";
export * from "./calendar.js";
export * from "./timer.js";

/** How often the sweep looks for clocks whose check is overdue (a lost or failed timer job). */
const SWEEP_EVERY_MS = 60_000;
/** A check this late is the sweep's to do. */
const SWEEP_GRACE_MS = 30_000;

/** Registers the ticket event handlers, the timer job, the sweep and the routes. */
export function registerSlaModule(app: App, ctx: AppContext): void {
  const onTicket = async (event: DomainEvent) => {
    await reconcileTicket(ctx.db, String(event.payload.id));
  };
  for (const type of ["ticket.updated", "ticket.transitioned"]) ctx.events.on(type, onTicket);
  // New tickets come by the hundred: the run's no-op cases are found in one pass.
  ctx.events.onBatch("ticket.created", (events) => reconcileNewTickets(ctx.db, events.map((e) => Number(e.payload.id))));
  ctx.jobs.register(SLA_TIMER_JOB, async ({ db, payload }) => {
    await reconcileTicket(db, String(payload.ticketId));
  });
  ctx.jobs.every("sla.sweep", SWEEP_EVERY_MS, async ({ db }) => {
    const late = new Date(Date.now() - SWEEP_GRACE_MS).toISOString();
    const due = await db.selectFrom("ticket_slas").select("ticket_id").distinct().where("next_check_at", "<=", late).limit(500).execute();
    for (const r of due) await reconcileTicket(db, String(r.ticket_id));
  });
  slaRoutes(app, ctx);
  slaAdminRoutes(app, ctx);
}
