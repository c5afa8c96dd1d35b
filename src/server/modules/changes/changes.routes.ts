/** /api/v1/changes/...: calendar, conflicts, approvals and impact of change tickets (the tickets themselves are the core's routes). */
import {
  ApprovalDecisionBody,
  ChangeApprovals,
  ChangeCalendar,
  ChangeCalendarQuery,
  ChangeConflictList,
  ChangeImpact,
  errorResponses,
  TicketParams,
} from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { approveChange, listApprovals, rejectChange } from "./changes.approvals.js";
import { changeCalendar, changeConflicts } from "./changes.calendar.js";
import { refreshImpact } from "./changes.service.js";

const tags = ["Changes"];

/** Mounts the change-specific routes. */
export function changeRoutes(app: App, { db }: AppContext): void {
  app.get(
    "/api/v1/changes/calendar",
    {
      schema: { tags, summary: "Change calendar: changes planned in a range (with their conflicts) and blackout windows", querystring: ChangeCalendarQuery, response: { 200: ChangeCalendar, ...errorResponses } },
      config: { permission: "tickets.read" },
    },
    async (req) => changeCalendar(db, actorOf(req), req.query),
  );
  app.get(
    "/api/v1/changes/:ref/conflicts",
    {
      schema: { tags, summary: "Scheduling conflicts of a change: same CI, same service, blackout windows", params: TicketParams, response: { 200: ChangeConflictList, ...errorResponses } },
      config: { permission: "tickets.read" },
    },
    async (req) => changeConflicts(db, actorOf(req), req.params.ref),
  );
  app.get(
    "/api/v1/changes/:ref/approvals",
    {
      schema: { tags, summary: "Approvals of a change: status, progress of each rule, every request", params: TicketParams, response: { 200: ChangeApprovals, ...errorResponses } },
      config: { permission: "tickets.read" },
    },
    async (req) => listApprovals(db, actorOf(req), req.params.ref),
  );
  app.post(
    "/api/v1/changes/:ref/approvals/approve",
    {
      schema: {
        tags,
        summary: "Approve a change awaiting authorization (approvers of the current round only)",
        params: TicketParams,
        body: ApprovalDecisionBody,
        response: { 200: ChangeApprovals, ...errorResponses },
      },
      config: { permission: "tickets.write" },
    },
    async (req) => approveChange(db, actorOf(req), req.params.ref, req.body),
  );
  app.post(
    "/api/v1/changes/:ref/approvals/reject",
    {
      schema: {
        tags,
        summary: "Reject a change awaiting authorization, with a comment: it returns to New (approvers of the current round only)",
        params: TicketParams,
        body: ApprovalDecisionBody,
        response: { 200: ChangeApprovals, ...errorResponses },
      },
      config: { permission: "tickets.write" },
    },
    async (req) => rejectChange(db, actorOf(req), req.params.ref, req.body),
  );
  app.post(
    "/api/v1/changes/:ref/impact/refresh",
    {
      schema: { tags, summary: "Recompute the impacted services and the computed risk from the CMDB", params: TicketParams, response: { 200: ChangeImpact, ...errorResponses } },
      config: { permission: "tickets.write" },
    },
    async (req) => refreshImpact(db, actorOf(req), req.params.ref),
  );
}
