/**
 * Alertmanager API v2 and webhook (version 4) shapes, with Alertmanager 0.25's field names so
 * that Prometheus, vmalert, Grafana and amtool talk to OpsDesk unchanged.
 */
import { Type, type Static } from "@sinclair/typebox";

/** Label values longer than this are refused (Prometheus itself keeps them far shorter). */
export const MAX_LABEL_VALUE = 2048;
/** Alerts per POST /api/v2/alerts request. */
export const MAX_ALERTS_PER_BATCH = 5000;

const LabelName = "^[a-zA-Z_][a-zA-Z0-9_]*$";
export const AmLabelSet = Type.Record(Type.String(), Type.String({ maxLength: MAX_LABEL_VALUE }), {
  propertyNames: { pattern: LabelName },
  description: `Label names match ${LabelName}; values at most ${MAX_LABEL_VALUE} characters`,
});
const Annotations = Type.Record(Type.String(), Type.String({ maxLength: 65536 }), { description: "Annotations (free text)" });
const AmTime = Type.String({ maxLength: 64, description: "RFC 3339 time; 0001-01-01T00:00:00Z means unset" });

export const AmPostableAlert = Type.Object(
  {
    labels: Type.Intersect([AmLabelSet, Type.Object({}, { minProperties: 1 })], { description: "Identifying labels (at least one); their set is the fingerprint" }),
    annotations: Type.Optional(Annotations),
    startsAt: Type.Optional(AmTime),
    endsAt: Type.Optional(Type.String({ maxLength: 64, description: "RFC 3339; in the past: resolved; unset: expires after resolve_timeout without a refresh" })),
    generatorURL: Type.Optional(Type.String({ maxLength: 4096, description: "Link to the rule or graph" })),
  },
  { description: "An alert as Prometheus sends it" },
);
export const AmPostableAlerts = Type.Array(AmPostableAlert, { minItems: 1, maxItems: MAX_ALERTS_PER_BATCH, description: `1 to ${MAX_ALERTS_PER_BATCH} alerts` });
export type AmPostableAlert = Static<typeof AmPostableAlert>;

export const AmAlertStatus = Type.Object({
  state: Type.Union([Type.Literal("unprocessed"), Type.Literal("active"), Type.Literal("suppressed")], { description: "unprocessed, active or suppressed" }),
  silencedBy: Type.Array(Type.String(), { description: "Silences (and OpsDesk maintenance windows) muting it" }),
  inhibitedBy: Type.Array(Type.String(), { description: "Always empty: OpsDesk correlates instead of inhibiting" }),
});
export const AmGettableAlert = Type.Object(
  {
    annotations: Type.Record(Type.String(), Type.String(), { description: "Annotations" }),
    endsAt: Type.String({ description: "End or expiry time" }),
    fingerprint: Type.String({ description: "Fingerprint of the label set" }),
    receivers: Type.Array(Type.Object({ name: Type.String({ description: "Receiver name" }) }), { description: "Always [opsdesk]" }),
    startsAt: Type.String({ description: "Start time" }),
    status: AmAlertStatus,
    updatedAt: Type.String({ description: "Last received" }),
    generatorURL: Type.Optional(Type.String({ description: "Link to the rule or graph" })),
    labels: Type.Record(Type.String(), Type.String(), { description: "Labels" }),
  },
  { description: "An alert as Alertmanager lists it" },
);
export type AmGettableAlert = Static<typeof AmGettableAlert>;
export const AmGettableAlerts = Type.Array(AmGettableAlert);

const Flag = (description: string) => Type.Optional(Type.Boolean({ default: true, description }));
export const AmAlertsQuery = Type.Object(
  {
    active: Flag("Include active alerts"),
    silenced: Flag("Include silenced alerts"),
    inhibited: Flag("Include inhibited alerts"),
    unprocessed: Flag("Include unprocessed alerts"),
    filter: Type.Optional(Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 50, description: "Matchers, e.g. alertname=\"DiskFull\" or instance=~\"host-.*\"" })),
    receiver: Type.Optional(Type.String({ maxLength: 200, description: "Regular expression on the receiver name" })),
  },
  { additionalProperties: false },
);
export type AmAlertsQuery = Static<typeof AmAlertsQuery>;

export const AmAlertGroup = Type.Object({
  labels: Type.Record(Type.String(), Type.String(), { description: "The group's labels" }),
  receiver: Type.Object({ name: Type.String() }),
  alerts: AmGettableAlerts,
});
export const AmAlertGroups = Type.Array(AmAlertGroup);

export const AmMatcher = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: "Label name" }),
    value: Type.String({ maxLength: MAX_LABEL_VALUE, description: "Value, or regular expression when isRegex" }),
    isRegex: Type.Boolean({ description: "value is an RE2-style regular expression, anchored" }),
    isEqual: Type.Optional(Type.Boolean({ default: true, description: "false negates the matcher (!= or !~)" })),
  },
  { additionalProperties: false },
);
export type AmMatcher = Static<typeof AmMatcher>;
export const AmPostableSilence = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 64, description: "Set to update an existing silence" })),
    matchers: Type.Array(AmMatcher, { minItems: 1, maxItems: 50, description: "All must match" }),
    startsAt: Type.String({ format: "date-time", description: "Start" }),
    endsAt: Type.String({ format: "date-time", description: "End" }),
    createdBy: Type.String({ minLength: 1, maxLength: 200, description: "Who" }),
    comment: Type.String({ minLength: 1, maxLength: 4000, description: "Why" }),
  },
  { additionalProperties: false, description: "A silence to create or update" },
);
export type AmPostableSilence = Static<typeof AmPostableSilence>;
export const AmGettableSilence = Type.Object({
  id: Type.String({ description: "Silence id" }),
  status: Type.Object({ state: Type.Union([Type.Literal("active"), Type.Literal("pending"), Type.Literal("expired")], { description: "active, pending or expired" }) }),
  updatedAt: Type.String({ description: "Last change" }),
  comment: Type.String(),
  createdBy: Type.String(),
  endsAt: Type.String(),
  matchers: Type.Array(AmMatcher),
  startsAt: Type.String(),
});
export type AmGettableSilence = Static<typeof AmGettableSilence>;
export const AmSilencesQuery = Type.Object(
  { filter: Type.Optional(Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 50, description: "Matchers the silence's matchers must satisfy" })) },
  { additionalProperties: false },
);
export const AmSilenceParams = Type.Object({ silenceID: Type.String({ minLength: 1, maxLength: 64, description: "Silence id" }) }, { additionalProperties: false });
export const AmSilenceCreated = Type.Object({ silenceID: Type.String({ description: "Id of the created or updated silence" }) });

export const AmStatus = Type.Object({
  cluster: Type.Object({ status: Type.String({ description: "Always disabled: OpsDesk nodes share the database instead of gossip" }), peers: Type.Array(Type.Unknown()), name: Type.Optional(Type.String()) }),
  config: Type.Object({ original: Type.String({ description: "An Alertmanager-style summary of the OpsDesk configuration" }) }),
  uptime: Type.String({ description: "When this node started" }),
  versionInfo: Type.Object({
    branch: Type.String(),
    buildDate: Type.String(),
    buildUser: Type.String(),
    goVersion: Type.String(),
    revision: Type.String(),
    version: Type.String({ description: "The Alertmanager API version OpsDesk is compatible with" }),
  }),
});
export const AmReceivers = Type.Array(Type.Object({ name: Type.String({ description: "Receiver name" }) }));

// ---------- webhook (version 4) ----------

export const AmWebhookAlert = Type.Object(
  {
    status: Type.Union([Type.Literal("firing"), Type.Literal("resolved")], { description: "firing or resolved" }),
    labels: Type.Intersect([AmLabelSet, Type.Object({}, { minProperties: 1 })], { description: "Labels (at least one)" }),
    annotations: Type.Optional(Annotations),
    startsAt: Type.Optional(AmTime),
    endsAt: Type.Optional(AmTime),
    generatorURL: Type.Optional(Type.String({ maxLength: 4096, description: "Link to the rule" })),
    fingerprint: Type.Optional(Type.String({ maxLength: 64, description: "Alertmanager's fingerprint (recomputed by OpsDesk)" })),
  },
  { description: "One alert of a webhook notification" },
);
export const AmWebhookBody = Type.Object(
  {
    version: Type.String({ maxLength: 10, description: "Payload version; 4 is understood" }),
    receiver: Type.Optional(Type.String({ maxLength: 200, description: "Alertmanager receiver name" })),
    status: Type.Optional(Type.String({ maxLength: 20, description: "firing or resolved (of the group)" })),
    alerts: Type.Array(AmWebhookAlert, { minItems: 1, maxItems: MAX_ALERTS_PER_BATCH, description: "The group's alerts" }),
    groupLabels: Type.Optional(Type.Record(Type.String(), Type.String())),
    commonLabels: Type.Optional(Type.Record(Type.String(), Type.String())),
    commonAnnotations: Type.Optional(Type.Record(Type.String(), Type.String())),
    externalURL: Type.Optional(Type.String({ maxLength: 4096 })),
    groupKey: Type.Optional(Type.String({ maxLength: 10000 })),
    truncatedAlerts: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { description: "Alertmanager webhook notification (version 4); unknown fields of later versions are ignored" },
);
export type AmWebhookBody = Static<typeof AmWebhookBody>;
