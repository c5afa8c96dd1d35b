import {
  BulkTicketBody,
  BulkTicketResult,
  CreateTicketBody,
  errorResponses,
  FlowList,
  ListTicketsQuery,
  Ticket,
  TicketList,
  TicketParams,
  TicketSettings,
  TransitionBody,
  UpdateTicketBody,
  UpdateTicketSettingsBody,
  type TicketKind,
} from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { cacheKey, sendCached } from "../../platform/http/response-cache.js";
import { registerFastRead } from "../../platform/http/cached-reads.js";
import { validatorCompiler } from "../../platform/http/validation.js";
import { serializerCompiler } from "../../platform/http/serialization.js";
import type { Actor } from "../../platform/auth/permissions.js";
import { allKinds } from "./tickets.kinds.js";
import { decorate, updateTicket } from "./tickets.service.js";
import { createTicket } from "./tickets.create.js";
import { listTicketsResponse } from "./tickets.list.js";
import { getTicketResponse } from "./tickets.get.js";
import { transitionTicket } from "./tickets.transition.js";
import { bulkTickets } from "./tickets.bulk.js";
import { getTicketSettings, updateTicketSettings } from "./tickets.settings.js";
import { describeFlows } from "./tickets.flows.js";

const tags = ["Tickets"];
const TICKET_PREFIX = "/api/v1/tickets/";
const PLURALS: Record<TicketKind, string> = { incident: "incidents", problem: "problems", change: "changes", request: "requests", task: "tasks" };

/** /api/v1/tickets and the per-kind collections (/api/v1/incidents, ...). */
export function ticketRoutes(app: App, { db }: AppContext): void {
  for (const def of allKinds()) {
    const path = `/api/v1/${PLURALS[def.kind]}`;
    const label = def.label.toLowerCase();
    app.get(
      path,
      { schema: { tags, summary: `List ${label}s (requesters: their own)`, querystring: ListTicketsQuery, response: { 200: TicketList, ...errorResponses } } },
      async (req, reply) => {
        const actor = actorOf(req);
        const query = { ...req.query, kind: def.kind };
        return sendCached(db, req, reply, cacheKey(actor, "tickets.list", query), () => listTicketsResponse(db, actor, query));
      },
    );
    app.post(
      path,
      { schema: { tags, summary: `Open a ${label} (number ${def.prefix}nnnnnnn)`, body: CreateTicketBody, response: { 201: Ticket, ...errorResponses } } },
      async (req, reply) => reply.status(201).send(await createTicket(db, actorOf(req), def.kind, req.body)),
    );
  }
  app.get(
    "/api/v1/tickets",
    { schema: { tags, summary: "List and search tickets of every kind (requesters: their own)", querystring: ListTicketsQuery, response: { 200: TicketList, ...errorResponses } } },
    async (req, reply) => {
      const actor = actorOf(req);
      return sendCached(db, req, reply, cacheKey(actor, "tickets.list", req.query), () => listTicketsResponse(db, actor, req.query));
    },
  );
  app.get(
    "/api/v1/tickets/flows",
    { schema: { tags, summary: "States and transitions of every kind", response: { 200: FlowList, ...errorResponses } } },
    async () => describeFlows(),
  );
  app.get(
    "/api/v1/tickets/settings",
    { schema: { tags, summary: "Ticket settings: edit policy, auto-close, priority matrix, attachment size", response: { 200: TicketSettings, ...errorResponses } }, config: { permission: "tickets.read" } },
    async (req) => getTicketSettings(db, actorOf(req)),
  );
  app.patch(
    "/api/v1/tickets/settings",
    { schema: { tags, summary: "Change ticket settings", body: UpdateTicketSettingsBody, response: { 200: TicketSettings, ...errorResponses } }, config: { permission: "tickets.admin" } },
    async (req) => updateTicketSettings(db, actorOf(req), req.body),
  );
  app.post(
    "/api/v1/tickets/bulk",
    { schema: { tags, summary: "Assign, transition or link several tickets at once", body: BulkTicketBody, response: { 200: BulkTicketResult, ...errorResponses } }, config: { permission: "tickets.write" } },
    async (req) => bulkTickets(db, actorOf(req), req.body),
  );
  const getKey = (actor: Actor, ref: string) => cacheKey(actor, "tickets.get", { ref: ref.toUpperCase() });
  app.get(
    "/api/v1/tickets/:ref",
    { schema: { tags, summary: "Get a ticket by number (INC0001001) or id", params: TicketParams, response: { 200: Ticket, ...errorResponses } } },
    async (req, reply) => {
      const actor = actorOf(req);
      return sendCached(db, req, reply, getKey(actor, req.params.ref), () => getTicketResponse(db, actor, req.params.ref));
    },
  );
  // The read agents and integrations repeat most: answered beside Fastify's pipeline, cached or not
  // (platform/http/cached-reads.ts), for URLs Fastify would route here without decoding anything.
  const validRef = validatorCompiler({ schema: TicketParams, method: "GET", url: "/api/v1/tickets/:ref", httpPart: "params" }) as (data: unknown) => boolean;
  registerFastRead(app, {
    route: "/api/v1/tickets/:ref",
    match(url) {
      if (!url.startsWith(TICKET_PREFIX)) return null;
      const ref = url.slice(TICKET_PREFIX.length);
      return /^[A-Za-z0-9]+$/.test(ref) && validRef({ ref }) ? { ref } : null;
    },
    key: (actor, { ref }) => getKey(actor, ref),
    produce: (actor, { ref }) => getTicketResponse(db, actor, ref),
    serialize: serializerCompiler({ schema: Ticket, method: "GET", url: "/api/v1/tickets/:ref", httpStatus: "200" }) as (value: unknown) => string,
  });
  app.patch(
    "/api/v1/tickets/:ref",
    { schema: { tags, summary: "Edit a ticket's fields (send version to refuse stale edits)", params: TicketParams, body: UpdateTicketBody, response: { 200: Ticket, ...errorResponses } }, config: { permission: "tickets.write" } },
    async (req) => updateTicket(db, actorOf(req), req.params.ref, req.body),
  );
  app.post(
    "/api/v1/tickets/:ref/transitions",
    {
      schema: {
        tags,
        summary: "Move a ticket through its flow (409 lists the allowed transitions)",
        params: TicketParams,
        body: TransitionBody,
        response: { 200: Ticket, ...errorResponses },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      // The transition already loaded and checked the ticket: add what the page shows, no second lookup.
      return decorate(db, actor, await transitionTicket(db, actor, req.params.ref, req.body));
    },
  );
}
