/** Alertmanager API v2 under /api/v2: Prometheus, vmalert, Grafana and amtool use OpsDesk as their Alertmanager. */
import fs from "node:fs";
import path from "node:path";
import { Type } from "@sinclair/typebox";
import {
  AmAlertGroups,
  AmAlertsQuery,
  AmGettableAlerts,
  AmGettableSilence,
  AmPostableAlerts,
  AmPostableSilence,
  type AmPostableAlert,
  AmReceivers,
  AmSilenceCreated,
  AmSilenceParams,
  AmSilencesQuery,
  AmStatus,
  errorResponses,
} from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import type { Db } from "../../platform/db/schema.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { requirePermission } from "../../platform/auth/permissions.js";
import { packageRoot } from "../../platform/http/web.js";
import type { EventsEngine } from "./events.engine.js";
import { fromPostable } from "./am.receiver.js";
import { amStatus, listAmAlerts, listAmGroups, RECEIVER } from "./am.service.js";
import { getEventSettings } from "./events.settings.js";
import { expireSilence, getSilence, listSilences, upsertSilence } from "./silences.service.js";

const tags = ["Alertmanager API v2"];

function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")).version;
  } catch {
    return "0.0.0";
  }
}

/**
 * Normalises a validated `POST /api/v2/alerts` body and stores it (answered once committed). The
 * route and its fast path (am.fastpath.ts) both go through here.
 */
export async function ingestPostable(db: Db, engine: EventsEngine, body: AmPostableAlert[]): Promise<void> {
  const settings = await getEventSettings(db);
  const now = Date.now();
  await engine.ingest(body.map((a, i) => fromPostable(a, i, now, settings.resolveTimeoutSeconds * 1000)));
}

/** Mounts /api/v2. */
export function amRoutes(app: App, { db }: AppContext, engine: EventsEngine): void {
  const version = packageVersion();
  app.post(
    "/api/v2/alerts",
    {
      schema: {
        tags,
        summary: "Push alerts (Prometheus's Alertmanager client); answered once they are stored durably",
        body: AmPostableAlerts,
        response: { 200: Type.Null({ description: "Stored (empty body, as Alertmanager answers)" }), ...errorResponses },
      },
      config: { permission: "events.ingest" },
    },
    async (req, reply) => {
      requirePermission(actorOf(req), "events.ingest");
      await ingestPostable(db, engine, req.body);
      return reply.code(200).send(undefined as unknown as null);
    },
  );
  app.get(
    "/api/v2/alerts",
    { schema: { tags, summary: "Active alerts, filtered like Alertmanager's", querystring: AmAlertsQuery, response: { 200: AmGettableAlerts, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => (await engine.fold(), listAmAlerts(db, actorOf(req), req.query)),
  );
  app.get(
    "/api/v2/alerts/groups",
    { schema: { tags, summary: "Active alerts by group", querystring: AmAlertsQuery, response: { 200: AmAlertGroups, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => (await engine.fold(), listAmGroups(db, actorOf(req), req.query)),
  );
  app.get(
    "/api/v2/silences",
    { schema: { tags, summary: "Silences", querystring: AmSilencesQuery, response: { 200: Type.Array(AmGettableSilence), ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => listSilences(db, actorOf(req), req.query.filter),
  );
  app.post(
    "/api/v2/silences",
    { schema: { tags, summary: "Create a silence, or update one (with its id)", body: AmPostableSilence, response: { 200: AmSilenceCreated, ...errorResponses } }, config: { permission: "events.write" } },
    async (req) => upsertSilence(db, engine, actorOf(req), req.body),
  );
  app.get(
    "/api/v2/silence/:silenceID",
    { schema: { tags, summary: "One silence", params: AmSilenceParams, response: { 200: AmGettableSilence, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => getSilence(db, actorOf(req), req.params.silenceID),
  );
  app.delete(
    "/api/v2/silence/:silenceID",
    { schema: { tags, summary: "Expire a silence", params: AmSilenceParams, response: { 200: Type.Null({ description: "Expired" }), ...errorResponses } }, config: { permission: "events.write" } },
    async (req, reply) => {
      await expireSilence(db, engine, actorOf(req), req.params.silenceID);
      return reply.code(200).send(undefined as unknown as null);
    },
  );
  app.get(
    "/api/v2/status",
    { schema: { tags, summary: "Status and version (amtool asks first)", response: { 200: AmStatus, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => amStatus(db, actorOf(req), version),
  );
  app.get(
    "/api/v2/receivers",
    { schema: { tags, summary: "Receivers", response: { 200: AmReceivers, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => {
      requirePermission(actorOf(req), "events.read");
      return [{ name: RECEIVER }];
    },
  );
}
