/**
 * Event management: alerts (one normalised model for every source), alert groups, silences,
 * maintenance windows, generic webhook sources and the module's settings. The Alertmanager
 * API v2 shapes (field names exactly as Alertmanager 0.25 has them) are in events.am.ts.
 */
import { Type, type Static, type TLiteral } from "@sinclair/typebox";
import { ListOf, NullableTimestamp, Timestamp } from "./common.js";

export * from "./events.am.js";

export const ALERT_SEVERITIES = ["critical", "major", "minor", "warning", "info"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const ALERT_STATUSES = ["firing", "acknowledged", "suppressed", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const ALERT_SOURCES = ["alertmanager", "alertmanager_webhook", "pagerduty", "generic"] as const;
export const GROUP_STATUSES = ["open", "resolved", "merged"] as const;

const literals = <const T extends readonly string[]>(values: T, description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)) as unknown as Array<TLiteral<T[number]>>, { description });

export const AlertSeverity = literals(ALERT_SEVERITIES, "Normalised severity: critical, major, minor, warning or info");
export const AlertStatus = literals(ALERT_STATUSES, "firing, acknowledged (someone works on it), suppressed (silenced or in maintenance: stored, not acted on) or resolved");
export const GroupStatus = literals(GROUP_STATUSES, "open, resolved (every alert resolved) or merged (joined into another group)");
const StringMap = (description: string) => Type.Record(Type.String(), Type.String(), { description });

export const CiSummary = Type.Object(
  { id: Type.String({ description: "CI id" }), name: Type.String({ description: "CI name" }), class: Type.String({ description: "CI class" }) },
  { description: "A CI in brief" },
);

export const Alert = Type.Object(
  {
    fingerprint: Type.String({ description: "Stable id of the alert's label set (Alertmanager's fingerprint for Alertmanager sources)" }),
    source: Type.String({ description: "Where it came from: alertmanager, alertmanager_webhook, pagerduty or generic:<source name>" }),
    name: Type.String({ description: "The alert's name (the alertname label)" }),
    labels: StringMap("Identifying labels"),
    annotations: StringMap("Descriptive annotations (summary, description, runbook_url, ...)"),
    generatorUrl: Type.String({ description: "Link back to the rule or graph that produced it" }),
    severity: AlertSeverity,
    status: AlertStatus,
    flapping: Type.Boolean({ description: "Changed state too often within the flapping window; incident actions are held" }),
    silencedBy: Type.Array(Type.String(), { description: "Silences and maintenance windows suppressing it" }),
    startsAt: Timestamp,
    endsAt: Type.Union([Timestamp, Type.Null()], { description: "When it resolved, or when it expires unless refreshed; null: until told otherwise" }),
    firstSeenAt: Timestamp,
    lastSeenAt: Timestamp,
    occurrences: Type.Integer({ description: "How many times it was received" }),
    ci: Type.Union([CiSummary, Type.Null()], { description: "The CI it is bound to" }),
    service: Type.Union([CiSummary, Type.Null()], { description: "The service it affects" }),
    groupId: Type.Union([Type.String(), Type.Null()], { description: "Its correlation group" }),
    incidentId: Type.Union([Type.String(), Type.Null()], { description: "The incident of its group" }),
  },
  { title: "Alert", description: "An alert, normalised from whichever source sent it" },
);
export type Alert = Static<typeof Alert>;

export const ListAlertsQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([AlertStatus, Type.Literal("active")], { description: "A status, or `active` (everything but resolved)" })),
    severity: Type.Optional(AlertSeverity),
    ciId: Type.Optional(Type.String({ maxLength: 64, description: "Only alerts bound to this CI" })),
    groupId: Type.Optional(Type.String({ maxLength: 64, description: "Only alerts of this group" })),
    source: Type.Optional(Type.String({ maxLength: 80, description: "Only this source" })),
    q: Type.Optional(Type.String({ maxLength: 200, description: "Text in the alert's name" })),
    since: Type.Optional(Type.String({ format: "date-time", description: "Last seen at or after" })),
    until: Type.Optional(Type.String({ format: "date-time", description: "First seen before" })),
    sort: Type.Optional(
      literals(["lastSeenAt", "-lastSeenAt", "firstSeenAt", "-firstSeenAt", "severity", "-severity", "name", "-name"] as const, "Sort field; prefix with - for descending"),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: "Page size (1-500)" })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: "Rows to skip" })),
  },
  { additionalProperties: false },
);
export type ListAlertsQuery = Static<typeof ListAlertsQuery>;
export const AlertList = ListOf(Alert, "A page of alerts");

export const AlertCounts = Type.Object(
  {
    bySeverity: Type.Record(Type.String(), Type.Integer(), { description: "Active alerts per severity" }),
    byStatus: Type.Record(Type.String(), Type.Integer(), { description: "Alerts per status (resolved: last 24 hours)" }),
    openGroups: Type.Integer({ description: "Open alert groups" }),
    byCi: Type.Array(Type.Object({ ciId: Type.String(), count: Type.Integer(), severity: AlertSeverity }), {
      description: "CIs with active alerts, with their count and worst severity (up to 500)",
    }),
  },
  { description: "What is firing right now, in numbers" },
);

export const AlertHistoryEntry = Type.Object(
  {
    id: Type.Integer(),
    fingerprint: Type.String(),
    name: Type.String({ description: "Alert name" }),
    at: Timestamp,
    event: Type.String({ description: "created, refired, resolved, expired, acknowledged, suppressed, unsuppressed, flapping, stable, grouped" }),
    status: AlertStatus,
    severity: AlertSeverity,
    ciId: Type.Union([Type.String(), Type.Null()]),
    groupId: Type.Union([Type.String(), Type.Null()]),
    details: Type.Record(Type.String(), Type.Unknown(), { description: "What else is known about the change" }),
  },
  { description: "One state change of an alert" },
);
export const AlertHistoryQuery = Type.Object(
  {
    fingerprint: Type.Optional(Type.String({ maxLength: 64, description: "Only this alert" })),
    ciId: Type.Optional(Type.String({ maxLength: 64, description: "Only alerts on this CI" })),
    since: Type.Optional(Type.String({ format: "date-time", description: "At or after" })),
    until: Type.Optional(Type.String({ format: "date-time", description: "Before" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: "Page size (1-1000)" })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: "Rows to skip" })),
  },
  { additionalProperties: false },
);
export type AlertHistoryQuery = Static<typeof AlertHistoryQuery>;
export const AlertHistoryList = ListOf(AlertHistoryEntry, "Alert state changes, newest first");

export const FingerprintParams = Type.Object({ fingerprint: Type.String({ minLength: 1, maxLength: 64, description: "Alert fingerprint" }) }, { additionalProperties: false });
export type FingerprintParams = Static<typeof FingerprintParams>;
export const AcknowledgeBody = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 2000, description: "Why, for the history" })) },
  { additionalProperties: false },
);
export type AcknowledgeBody = Static<typeof AcknowledgeBody>;
export const AlertDetail = Type.Object({ alert: Alert, history: Type.Array(AlertHistoryEntry, { description: "Its state changes, newest first (up to 200)" }) });

// ---------- groups ----------

export const AlertGroup = Type.Object(
  {
    id: Type.String(),
    kind: literals(["topology", "labels"] as const, "topology: tied together through the CMDB; labels: by a group_by rule"),
    title: Type.String({ description: "What the group is about" }),
    status: GroupStatus,
    severity: AlertSeverity,
    rootCause: Type.Union([CiSummary, Type.Null()], { description: "Probable root cause: the most upstream CI of the group" }),
    labels: StringMap("Labels the group was formed by (labels groups)"),
    alertCount: Type.Integer({ description: "Alerts in the group" }),
    activeCount: Type.Integer({ description: "Alerts not yet resolved" }),
    incidentId: Type.Union([Type.String(), Type.Null()], { description: "The incident opened for the group" }),
    mergedInto: Type.Union([Type.String(), Type.Null()], { description: "The group it was merged into" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    resolvedAt: NullableTimestamp,
  },
  { title: "AlertGroup", description: "Alerts correlated into one actionable unit" },
);
export type AlertGroup = Static<typeof AlertGroup>;
export const ListAlertGroupsQuery = Type.Object(
  {
    status: Type.Optional(GroupStatus),
    ciId: Type.Optional(Type.String({ maxLength: 64, description: "Only groups containing this CI" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: "Page size (1-500)" })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: "Rows to skip" })),
  },
  { additionalProperties: false },
);
export type ListAlertGroupsQuery = Static<typeof ListAlertGroupsQuery>;
export const AlertGroupList = ListOf(AlertGroup, "A page of alert groups, newest first");
export const AlertGroupDetail = Type.Object({
  group: AlertGroup,
  alerts: Type.Array(Alert, { description: "Its alerts (up to 500)" }),
  cis: Type.Array(CiSummary, { description: "The CIs of its alerts" }),
  edges: Type.Array(
    Type.Object({ sourceId: Type.String(), targetId: Type.String(), type: Type.String({ description: "Relationship type" }) }),
    { description: "CMDB relationships among those CIs: the topology that tied the group together" },
  ),
});
export const GroupParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: "Group id" }) }, { additionalProperties: false });

// ---------- maintenance windows ----------

export const MaintenanceWindow = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ description: "What the maintenance is" }),
    ci: CiSummary,
    startsAt: Timestamp,
    endsAt: Timestamp,
    state: literals(["pending", "active", "expired"] as const, "pending (not started), active or expired"),
    comment: Type.String(),
    createdBy: Type.String(),
    createdAt: Timestamp,
  },
  { title: "MaintenanceWindow", description: "A time when alerts on a CI (and what depends on it, or for a service what it depends on) are stored as suppressed" },
);
export const CreateMaintenanceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: "What the maintenance is" }),
    ciId: Type.String({ minLength: 1, maxLength: 64, description: "The CI or service under maintenance" }),
    startsAt: Type.String({ format: "date-time", description: "Start" }),
    endsAt: Type.String({ format: "date-time", description: "End (after the start)" }),
    comment: Type.Optional(Type.String({ maxLength: 2000, description: "Notes" })),
  },
  { additionalProperties: false },
);
export type CreateMaintenanceBody = Static<typeof CreateMaintenanceBody>;
export const MaintenanceList = Type.Object({ items: Type.Array(MaintenanceWindow) });

// ---------- generic webhook sources ----------

export const FieldMapping = Type.Object(
  {
    itemsPath: Type.Optional(Type.String({ maxLength: 200, description: "Dotted path to an array of events in the payload; omit when the payload is one event" })),
    name: Type.String({ minLength: 1, maxLength: 200, description: "Dotted path to the alert name" }),
    dedupKey: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 10, description: "Paths whose values identify one alert (default: name + host)" })),
    host: Type.Optional(Type.String({ maxLength: 200, description: "Path to the host name, FQDN or IP (used to bind the CI)" })),
    severity: Type.Optional(Type.String({ maxLength: 200, description: "Path to the severity" })),
    severityMap: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), AlertSeverity, { description: "Source severity value -> OpsDesk severity" })),
    status: Type.Optional(Type.String({ maxLength: 200, description: "Path to the status" })),
    resolvedValues: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20, description: "Status values that mean resolved (default: resolved, ok, closed, recovered)" })),
    summary: Type.Optional(Type.String({ maxLength: 200, description: "Path to a one-line summary" })),
    description: Type.Optional(Type.String({ maxLength: 200, description: "Path to a longer description" })),
    startsAt: Type.Optional(Type.String({ maxLength: 200, description: "Path to the start time (ISO-8601 or epoch seconds)" })),
    labels: Type.Optional(Type.Record(Type.String({ maxLength: 100, pattern: "^[a-zA-Z_][a-zA-Z0-9_]*$" }), Type.String({ maxLength: 200 }), { description: "Label name -> path" })),
  },
  { additionalProperties: false, description: "Where each field of an alert is in the source's JSON (dotted paths, e.g. `data.host.name`)" },
);
export type FieldMapping = Static<typeof FieldMapping>;
export const EventSource = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ description: "Name used in the webhook URL (?source=name)" }),
    mapping: FieldMapping,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: "EventSource", description: "A generic JSON webhook source and how to read its payloads" },
);
export type EventSource = Static<typeof EventSource>;
const SourceName = Type.String({ minLength: 1, maxLength: 64, pattern: "^[a-z0-9][a-z0-9_.-]*$", description: "Lower-case name (a-z, 0-9, _ . -)" });
export const CreateSourceBody = Type.Object({ name: SourceName, mapping: FieldMapping }, { additionalProperties: false });
export type CreateSourceBody = Static<typeof CreateSourceBody>;
export const UpdateSourceBody = Type.Object({ name: Type.Optional(SourceName), mapping: Type.Optional(FieldMapping) }, { additionalProperties: false, minProperties: 1 });
export type UpdateSourceBody = Static<typeof UpdateSourceBody>;
export const SourceList = Type.Object({ items: Type.Array(EventSource) });
export const GenericWebhookQuery = Type.Object({ source: SourceName }, { additionalProperties: false });
export const GenericWebhookBody = Type.Object({}, { additionalProperties: true, description: "Any JSON object; read through the source's mapping" });

// ---------- receivers' answers ----------

export const IngestResult = Type.Object(
  { accepted: Type.Integer({ description: "Alerts stored" }), fingerprints: Type.Array(Type.String(), { description: "Their fingerprints, in input order" }) },
  { description: "Alerts stored durably" },
);

export const PagerDutyEvent = Type.Object(
  {
    routing_key: Type.String({ minLength: 1, maxLength: 200, description: "Integration key (kept as the alert's routing_key label)" }),
    event_action: literals(["trigger", "acknowledge", "resolve"] as const, "trigger, acknowledge or resolve"),
    dedup_key: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: "Identifies the alert across events; generated on trigger when absent" })),
    payload: Type.Optional(
      Type.Object(
        {
          summary: Type.String({ minLength: 1, maxLength: 1024, description: "One-line summary" }),
          source: Type.String({ minLength: 1, maxLength: 255, description: "The affected system (host name, FQDN, IP): binds the CI" }),
          severity: literals(["critical", "error", "warning", "info"] as const, "PagerDuty severity"),
          timestamp: Type.Optional(Type.String({ format: "date-time", description: "When it happened" })),
          component: Type.Optional(Type.String({ maxLength: 255, description: "Component of the source" })),
          group: Type.Optional(Type.String({ maxLength: 255, description: "Logical grouping" })),
          class: Type.Optional(Type.String({ maxLength: 255, description: "Class or type of event" })),
          custom_details: Type.Optional(Type.Unknown({ description: "Anything else (kept as an annotation)" })),
        },
        { additionalProperties: false, description: "Required for trigger" },
      ),
    ),
    client: Type.Optional(Type.String({ maxLength: 255, description: "Sending client" })),
    client_url: Type.Optional(Type.String({ maxLength: 2048, description: "Link to the sending client" })),
    images: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 50, description: "Ignored" })),
    links: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 50, description: "Ignored" })),
  },
  { additionalProperties: false, description: "A PagerDuty Events API v2 event" },
);
export type PagerDutyEvent = Static<typeof PagerDutyEvent>;
export const PagerDutyResult = Type.Object({
  status: Type.String({ description: "success" }),
  message: Type.String({ description: "Event processed" }),
  dedup_key: Type.String({ description: "The alert's dedup key" }),
});

// ---------- settings ----------

export const GroupByRule = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: "Rule name" }),
    matchers: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 20, description: "Alertmanager matchers an alert must satisfy, e.g. team=\"db\"" }),
    groupBy: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 10, description: "Labels whose values form the group, like Alertmanager's group_by" }),
  },
  { additionalProperties: false },
);
export const CiLabelRule = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 100, description: "Label name" }),
    kind: literals(["fqdn", "hostname", "ip_address", "prometheus_instance", "prometheus_job", "otel_service_name", "otel_host_name", "serial_number", "cloud_id", "name"] as const, "Identifier kind its value is"),
  },
  { additionalProperties: false },
);
export const EventSettings = Type.Object(
  {
    correlationWindowSeconds: Type.Integer({ minimum: 10, maximum: 86400, description: "Alerts on connected CIs arriving within this window form one group" }),
    topologyDepth: Type.Integer({ minimum: 1, maximum: 4, description: "How many CMDB hops count as connected" }),
    groupByRules: Type.Array(GroupByRule, { maxItems: 50, description: "Label-based grouping rules, tried before topology" }),
    ciLabels: Type.Array(CiLabelRule, { maxItems: 20, description: "Extra labels that identify CIs, tried before the built-in ones" }),
    createUnidentifiedCis: Type.Boolean({ description: "Create a CI of class unidentified for hosts the CMDB does not know" }),
    incidentMinSeverity: AlertSeverity,
    incidentsForUnboundAlerts: Type.Boolean({ description: "Also open incidents for groups without any CI" }),
    autoResolveIncidents: Type.Boolean({ description: "Resolve the incident when every alert of its group has resolved" }),
    flappingChanges: Type.Integer({ minimum: 2, maximum: 100, description: "State changes within the flapping window that make an alert flapping" }),
    flappingWindowSeconds: Type.Integer({ minimum: 10, maximum: 86400, description: "The flapping window" }),
    resolveTimeoutSeconds: Type.Integer({ minimum: 10, maximum: 86400, description: "Alerts without endsAt expire after this long without a refresh (Alertmanager's resolve_timeout)" }),
    retentionDays: Type.Integer({ minimum: 1, maximum: 3650, description: "Resolved alerts and history older than this are deleted" }),
  },
  { additionalProperties: false, title: "EventSettings" },
);
export type EventSettings = Static<typeof EventSettings>;
export const UpdateEventSettingsBody = Type.Partial(EventSettings, { additionalProperties: false, minProperties: 1 });
export type UpdateEventSettingsBody = Static<typeof UpdateEventSettingsBody>;
