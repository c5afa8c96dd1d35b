/** Inbound alerts besides /api/v2: Alertmanager webhooks, PagerDuty Events API v2, generic JSON webhooks. */
import { Type } from "@sinclair/typebox";
import {
  AmWebhookBody,
  CreateMaintenanceBody,
  CreateSourceBody,
  errorResponses,
  EventSource,
  GenericWebhookBody,
  GenericWebhookQuery,
  IdParams,
  IngestResult,
  MaintenanceList,
  MaintenanceWindow,
  PagerDutyEvent,
  PagerDutyResult,
  SourceList,
  UpdateSourceBody,
} from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { requirePermission } from "../../platform/auth/permissions.js";
import type { EventsEngine } from "./events.engine.js";
import { fromWebhook } from "./am.receiver.js";
import { fromGeneric, fromPagerDuty } from "./receivers.js";
import { createSource, deleteSource, getSource, listSources, sourceByName, updateSource } from "./sources.service.js";
import { createMaintenance, endMaintenance, listMaintenance } from "./maintenance.service.js";

const tags = ["Events"];

/** Mounts the webhook receivers, event sources and maintenance windows. */
export function receiverRoutes(app: App, { db }: AppContext, engine: EventsEngine): void {
  app.post(
    "/api/v1/events/webhooks/alertmanager",
    {
      schema: { tags, summary: "Alertmanager webhook receiver (version 4): point an existing Alertmanager's webhook_configs here", body: AmWebhookBody, response: { 200: IngestResult, ...errorResponses } },
      config: { permission: "events.ingest" },
    },
    async (req) => {
      requirePermission(actorOf(req), "events.ingest");
      const alerts = fromWebhook(req.body, Date.now());
      await engine.ingest(alerts);
      return { accepted: alerts.length, fingerprints: alerts.map((a) => a.fingerprint) };
    },
  );
  app.post(
    "/api/v1/events/webhooks/pagerduty",
    {
      schema: { tags, summary: "PagerDuty Events API v2 shaped endpoint (trigger, acknowledge, resolve by dedup_key)", body: PagerDutyEvent, response: { 202: PagerDutyResult, ...errorResponses } },
      config: { permission: "events.ingest" },
    },
    async (req, reply) => {
      requirePermission(actorOf(req), "events.ingest");
      const { alert, dedupKey } = fromPagerDuty(req.body, Date.now());
      await engine.ingest([alert]);
      return reply.code(202).send({ status: "success", message: "Event processed", dedup_key: dedupKey });
    },
  );
  app.post(
    "/api/v1/events/webhooks/generic",
    {
      schema: { tags, summary: "Generic JSON webhook, read through the mapping of the source named in ?source=", querystring: GenericWebhookQuery, body: GenericWebhookBody, response: { 200: IngestResult, ...errorResponses } },
      config: { permission: "events.ingest" },
    },
    async (req) => {
      requirePermission(actorOf(req), "events.ingest");
      const source = await sourceByName(db, req.query.source);
      const alerts = fromGeneric(source.name, source.mapping, req.body as Record<string, unknown>, Date.now());
      await engine.ingest(alerts);
      return { accepted: alerts.length, fingerprints: alerts.map((a) => a.fingerprint) };
    },
  );

  app.get(
    "/api/v1/events/sources",
    { schema: { tags, summary: "Generic webhook sources", response: { 200: SourceList, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => listSources(db, actorOf(req)),
  );
  app.post(
    "/api/v1/events/sources",
    { schema: { tags, summary: "Create a generic webhook source with its field mapping", body: CreateSourceBody, response: { 201: EventSource, ...errorResponses } }, config: { permission: "events.admin" } },
    async (req, reply) => reply.code(201).send(await createSource(db, actorOf(req), req.body)),
  );
  app.get(
    "/api/v1/events/sources/:id",
    { schema: { tags, summary: "A generic webhook source", params: IdParams, response: { 200: EventSource, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => getSource(db, actorOf(req), req.params.id),
  );
  app.patch(
    "/api/v1/events/sources/:id",
    { schema: { tags, summary: "Rename a source or change its mapping", params: IdParams, body: UpdateSourceBody, response: { 200: EventSource, ...errorResponses } }, config: { permission: "events.admin" } },
    async (req) => updateSource(db, actorOf(req), req.params.id, req.body),
  );
  app.delete(
    "/api/v1/events/sources/:id",
    { schema: { tags, summary: "Delete a source (its alerts stay)", params: IdParams, response: { 204: Type.Null(), ...errorResponses } }, config: { permission: "events.admin" } },
    async (req, reply) => {
      await deleteSource(db, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/api/v1/events/maintenance",
    { schema: { tags, summary: "Maintenance windows (current, future and of the last week)", response: { 200: MaintenanceList, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => listMaintenance(db, actorOf(req)),
  );
  app.post(
    "/api/v1/events/maintenance",
    {
      schema: { tags, summary: "Put a CI or service into maintenance: its alerts (and those of what depends on it) are stored as suppressed", body: CreateMaintenanceBody, response: { 201: MaintenanceWindow, ...errorResponses } },
      config: { permission: "events.write" },
    },
    async (req, reply) => reply.code(201).send(await createMaintenance(db, engine, actorOf(req), req.body)),
  );
  app.delete(
    "/api/v1/events/maintenance/:id",
    { schema: { tags, summary: "End a maintenance window now", params: IdParams, response: { 204: Type.Null(), ...errorResponses } }, config: { permission: "events.write" } },
    async (req, reply) => {
      await endMaintenance(db, engine, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
}
