/** /api/v1/slas, /api/v1/tickets/:ref/slas, /api/v1/sla-definitions, /api/v1/sla-calendars. */
import { Type } from "@sinclair/typebox";
import {
  CalendarDefinition, errorResponses, IdParams, ListSlasQuery, SlaCalendar, SlaCalendarList, SlaDefinition, SlaDefinitionInput, SlaDefinitionList,
  SlaPreview, SlaPreviewBody, SlaReport, SlaReportQuery, TicketParams, TicketSlaItems, TicketSlaList, UpdateCalendarBody, UpdateSlaDefinitionBody,
} from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { createCalendar, deleteCalendar, getCalendar, listCalendars, updateCalendar } from "./sla.calendars.js";
import { createDefinition, deleteDefinition, getDefinition, listDefinitions, updateDefinition } from "./sla.definitions.js";
import { listSlas, previewDefinition, ticketSlas } from "./sla.query.js";
import { complianceReport } from "./sla.report.js";

const tags = ["Service levels"];
const NoContent = Type.Null({ description: "Deleted" });

/** Ticket clocks and the compliance report (sla.read). */
export function slaRoutes(app: App, { db }: AppContext): void {
  app.get(
    "/api/v1/slas",
    { schema: { tags, summary: "List SLA clocks (by tickets for list indicators, by state, definition or breach)", querystring: ListSlasQuery, response: { 200: TicketSlaList, ...errorResponses } }, config: { permission: "sla.read" } },
    async (req) => listSlas(db, actorOf(req), req.query),
  );
  app.get(
    "/api/v1/slas/report",
    { schema: { tags, summary: "SLA compliance by definition, group, service, priority or period", querystring: SlaReportQuery, response: { 200: SlaReport, ...errorResponses } }, config: { permission: "sla.read" } },
    async (req) => complianceReport(db, actorOf(req), req.query),
  );
  app.get(
    "/api/v1/tickets/:ref/slas",
    { schema: { tags, summary: "A ticket's SLA clocks with their pauses, history and explanation", params: TicketParams, response: { 200: TicketSlaItems, ...errorResponses } }, config: { permission: "sla.read" } },
    async (req) => ticketSlas(db, actorOf(req), req.params.ref),
  );
}

/** Definitions and calendars (read: sla.read, write: sla.admin). */
export function slaAdminRoutes(app: App, { db }: AppContext): void {
  app.get("/api/v1/sla-definitions", { schema: { tags, summary: "List SLA, OLA and UC definitions", response: { 200: SlaDefinitionList, ...errorResponses } }, config: { permission: "sla.read" } }, async (req) => listDefinitions(db, actorOf(req)));
  app.post(
    "/api/v1/sla-definitions",
    { schema: { tags, summary: "Create a definition", body: SlaDefinitionInput, response: { 201: SlaDefinition, ...errorResponses } }, config: { permission: "sla.admin" } },
    async (req, reply) => reply.status(201).send(await createDefinition(db, actorOf(req), req.body)),
  );
  app.post(
    "/api/v1/sla-definitions/preview",
    { schema: { tags, summary: "Test a definition against a ticket: the clocks it would have run", body: SlaPreviewBody, response: { 200: SlaPreview, ...errorResponses } }, config: { permission: "sla.admin" } },
    async (req) => previewDefinition(db, actorOf(req), req.body),
  );
  app.get("/api/v1/sla-definitions/:id", { schema: { tags, summary: "Get a definition", params: IdParams, response: { 200: SlaDefinition, ...errorResponses } }, config: { permission: "sla.read" } }, async (req) => getDefinition(db, actorOf(req), req.params.id));
  app.patch(
    "/api/v1/sla-definitions/:id",
    { schema: { tags, summary: "Change a definition (running clocks keep the version they started with)", params: IdParams, body: UpdateSlaDefinitionBody, response: { 200: SlaDefinition, ...errorResponses } }, config: { permission: "sla.admin" } },
    async (req) => updateDefinition(db, actorOf(req), req.params.id, req.body),
  );
  app.delete(
    "/api/v1/sla-definitions/:id",
    { schema: { tags, summary: "Delete a definition that never measured a ticket", params: IdParams, response: { 204: NoContent, ...errorResponses } }, config: { permission: "sla.admin" } },
    async (req, reply) => {
      await deleteDefinition(db, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get("/api/v1/sla-calendars", { schema: { tags, summary: "List business calendars", response: { 200: SlaCalendarList, ...errorResponses } }, config: { permission: "sla.read" } }, async (req) => listCalendars(db, actorOf(req)));
  app.post(
    "/api/v1/sla-calendars",
    { schema: { tags, summary: "Create a business calendar", body: CalendarDefinition, response: { 201: SlaCalendar, ...errorResponses } }, config: { permission: "sla.admin" } },
    async (req, reply) => reply.status(201).send(await createCalendar(db, actorOf(req), req.body)),
  );
  app.get("/api/v1/sla-calendars/:id", { schema: { tags, summary: "Get a business calendar", params: IdParams, response: { 200: SlaCalendar, ...errorResponses } }, config: { permission: "sla.read" } }, async (req) => getCalendar(db, actorOf(req), req.params.id));
  app.patch(
    "/api/v1/sla-calendars/:id",
    { schema: { tags, summary: "Change a business calendar", params: IdParams, body: UpdateCalendarBody, response: { 200: SlaCalendar, ...errorResponses } }, config: { permission: "sla.admin" } },
    async (req) => updateCalendar(db, actorOf(req), req.params.id, req.body),
  );
  app.delete(
    "/api/v1/sla-calendars/:id",
    { schema: { tags, summary: "Delete a business calendar no definition uses", params: IdParams, response: { 204: NoContent, ...errorResponses } }, config: { permission: "sla.admin" } },
    async (req, reply) => {
      await deleteCalendar(db, actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
