/** /api/v1/events: the native API of alerts, their history, groups and settings. */
import {
  AcknowledgeBody,
  Alert,
  AlertCounts,
  AlertDetail,
  AlertGroupDetail,
  AlertGroupList,
  AlertHistoryList,
  AlertHistoryQuery,
  AlertList,
  errorResponses,
  EventSettings,
  FingerprintParams,
  GroupParams,
  ListAlertGroupsQuery,
  ListAlertsQuery,
  UpdateEventSettingsBody,
} from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import type { EventsEngine } from "./events.engine.js";
import { acknowledgeAlert, alertCounts, getAlert, listAlerts, listHistory } from "./alerts.service.js";
import { getGroup, listGroups } from "./groups.service.js";
import { readEventSettings, updateEventSettings } from "./events.settings.js";

const tags = ["Events"];

/** Mounts the alert, history, group and settings routes. Reads fold the journal first: an alert shows right after its POST. */
export function eventRoutes(app: App, { db }: AppContext, engine: EventsEngine): void {
  app.get(
    "/api/v1/events/alerts",
    { schema: { tags, summary: "Alerts, filtered and paged", querystring: ListAlertsQuery, response: { 200: AlertList, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => (await engine.fold(), listAlerts(db, actorOf(req), req.query)),
  );
  app.get(
    "/api/v1/events/alerts/counts",
    { schema: { tags, summary: "Active alerts by severity, status and CI; open groups", response: { 200: AlertCounts, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => (await engine.fold(), alertCounts(db, actorOf(req))),
  );
  app.get(
    "/api/v1/events/alerts/:fingerprint",
    { schema: { tags, summary: "One alert with its history", params: FingerprintParams, response: { 200: AlertDetail, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => (await engine.fold(), getAlert(db, actorOf(req), req.params.fingerprint)),
  );
  app.post(
    "/api/v1/events/alerts/:fingerprint/acknowledge",
    {
      schema: { tags, summary: "Acknowledge a firing alert", params: FingerprintParams, body: AcknowledgeBody, response: { 200: Alert, ...errorResponses } },
      config: { permission: "events.write" },
    },
    async (req) => (await engine.fold(), acknowledgeAlert(db, engine, actorOf(req), req.params.fingerprint, req.body?.comment)),
  );
  app.get(
    "/api/v1/events/history",
    { schema: { tags, summary: "Alert state changes, e.g. what fired on a CI last month", querystring: AlertHistoryQuery, response: { 200: AlertHistoryList, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => (await engine.fold(), listHistory(db, actorOf(req), req.query)),
  );
  app.get(
    "/api/v1/events/groups",
    { schema: { tags, summary: "Alert groups, newest first", querystring: ListAlertGroupsQuery, response: { 200: AlertGroupList, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => (await engine.fold(), listGroups(db, actorOf(req), req.query)),
  );
  app.get(
    "/api/v1/events/groups/:id",
    { schema: { tags, summary: "An alert group with its alerts, CIs and the relationships among them", params: GroupParams, response: { 200: AlertGroupDetail, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => (await engine.fold(), getGroup(db, engine, actorOf(req), req.params.id)),
  );
  app.get(
    "/api/v1/events/settings",
    { schema: { tags, summary: "Event management settings", response: { 200: EventSettings, ...errorResponses } }, config: { permission: "events.read" } },
    async (req) => readEventSettings(db, actorOf(req)),
  );
  app.put(
    "/api/v1/events/settings",
    { schema: { tags, summary: "Change event management settings", body: UpdateEventSettingsBody, response: { 200: EventSettings, ...errorResponses } }, config: { permission: "events.admin" } },
    async (req) => {
      const settings = await updateEventSettings(db, actorOf(req), req.body);
      // Answered once alerts that arrive from now on are handled under the new settings.
      await engine.settingsChanged();
      return settings;
    },
  );
}
