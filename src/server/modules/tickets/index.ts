/** The ticket core: numbering, fields, flows, timeline, attachments, links, watchers, lists and search. */
import type { App, AppContext } from "../../platform/context.js";
import "./tickets.defaults.js";
import { ticketRoutes } from "./tickets.routes.js";
import { timelineRoutes } from "./timeline.routes.js";
import { searchMergeJob } from "./tickets.search-merge.js";
import { isPostgres } from "../../platform/db/dialect.js";

export type { Flow, StateMeta, TransitionDef, TransitionActor } from "./tickets.flow.js";
export { registerKind, kindDef, allKinds, type KindDef, type KindHooks, type FieldChange } from "./tickets.kinds.js";
export { updateTicket, getTicket, listTickets, decorate } from "./tickets.service.js";
export { createTicket } from "./tickets.create.js";
export { transitionTicket, applyTransition, allowedTransitions } from "./tickets.transition.js";
export { addComment, addEntry, listTimeline, type NewEntry } from "./tickets.timeline.js";
export { linkTickets, createLink, listLinks } from "./tickets.links.js";
export { requireTicket, findTicket, toTicket, ticketQuery, withKindFields } from "./tickets.records.js";
export { isAgent, seesAll, requireVisible, requireEditable, isMember } from "./tickets.policy.js";
export { ticketSettings, DEFAULT_TICKET_SETTINGS } from "./tickets.settings.js";
export { refreshServices, setAffectedCis } from "./tickets.refs.js";
export { describeFlows } from "./tickets.flows.js";

/** How often the full-text index's segments are merged down (SQLite; tickets.search-merge.ts). */
const SEARCH_MERGE_EVERY_MS = 60_000;

/** Mounts the ticket routes (kind modules register their kinds at import, before this runs). */
export function registerTicketsModule(app: App, ctx: AppContext): void {
  // PostgreSQL's GIN index keeps itself: no job rows for nothing there.
  if (!isPostgres(ctx.db)) {
    ctx.jobs.every("tickets.search_merge", SEARCH_MERGE_EVERY_MS, async ({ db }) => {
      await searchMergeJob(db);
    });
  }
  ticketRoutes(app, ctx);
  timelineRoutes(app, ctx);
}
