/** CMDB: CI classes, configuration items, relationships, identification, history and impact. */
import { Type, type Static } from "@sinclair/typebox";
import { Id, ListOf, PageQuery, SortQuery, Timestamp } from "./common.js";

export const CI_LIFECYCLE_STATUSES = ["planned", "in_service", "maintenance", "retired"] as const;
export const CI_OPERATIONAL_STATUSES = ["up", "degraded", "down", "unknown"] as const;
export const CI_CRITICALITIES = ["low", "medium", "high", "critical"] as const;
export const CI_ATTRIBUTE_TYPES = ["string", "number", "boolean", "date", "enum"] as const;
/** Which way a failure travels along a relationship of a type. */
export const IMPACT_DIRECTIONS = ["target_to_source", "source_to_target", "both", "none"] as const;
export const CI_OUTCOMES = ["created", "updated", "unchanged"] as const;

const literals = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description });

export const LifecycleStatus = literals(CI_LIFECYCLE_STATUSES, "Lifecycle: planned, in_service, maintenance or retired");
export const OperationalStatus = literals(CI_OPERATIONAL_STATUSES, "Health as last reported: up, degraded, down or unknown");
export const Criticality = literals(CI_CRITICALITIES, "Business criticality: low, medium, high or critical");
export const ImpactDirection = literals(
  IMPACT_DIRECTIONS,
  "How a failure travels: target_to_source (A depends on B: B failing impacts A), source_to_target, both, none",
);

const MachineName = Type.String({ minLength: 1, maxLength: 64, pattern: "^[a-z][a-z0-9_]*$", description: "Lower-case machine name (a-z, 0-9, _)" });
const Label = Type.String({ minLength: 1, maxLength: 120, description: "Human-readable name" });
const SourceName = Type.String({ minLength: 1, maxLength: 64, pattern: "^[a-z][a-z0-9_.-]*$", description: "Data source, e.g. discovery, import, agent" });

// ---------- classes ----------

export const CiAttributeDef = Type.Object(
  {
    name: MachineName,
    label: Type.Optional(Label),
    type: literals(CI_ATTRIBUTE_TYPES, "string, number, boolean, date (ISO-8601) or enum"),
    required: Type.Optional(Type.Boolean({ default: false, description: "Every CI of the class must have a value" })),
    allowedValues: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 120 }), { minItems: 1, maxItems: 200, description: "For enum attributes: the values allowed" })),
  },
  { additionalProperties: false, title: "CiAttributeDef", description: "An attribute a class declares" },
);
export type CiAttributeDef = Static<typeof CiAttributeDef>;

export const IdentifierKind = literals(
  ["serial_number", "fqdn", "hostname", "ip_address", "mac_address", "cloud_id", "prometheus_instance", "prometheus_job", "otel_service_name", "otel_host_name", "name"] as const,
  "An identifier kind (or `name`: same class lineage and same name)",
);
export type IdentifierKind = Static<typeof IdentifierKind>;
/** A rule: every kind in it must be present and match for two records to be the same CI. */
export const IdentificationRule = Type.Array(IdentifierKind, { minItems: 1, maxItems: 4 });

export const CiClass = Type.Object(
  {
    name: Type.String(),
    label: Type.String(),
    parent: Type.Union([Type.String(), Type.Null()]),
    description: Type.String(),
    builtin: Type.Boolean({ description: "Shipped with OpsDesk" }),
    attributes: Type.Array(CiAttributeDef, { description: "Attributes the class declares itself" }),
    allAttributes: Type.Array(Type.Intersect([CiAttributeDef, Type.Object({ inheritedFrom: Type.Union([Type.String(), Type.Null()]) })]), {
      description: "Own and inherited attributes",
    }),
    identificationRules: Type.Array(IdentificationRule, { description: "Effective rules, in order (own or inherited)" }),
    path: Type.Array(Type.String(), { description: "Ancestors from the root down to this class" }),
  },
  { title: "CiClass", description: "A class of configuration items" },
);
export type CiClass = Static<typeof CiClass>;
export const CiClassList = Type.Object({ items: Type.Array(CiClass) });

export const CreateCiClassBody = Type.Object(
  {
    name: MachineName,
    label: Label,
    parent: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { description: "Parent class; its attributes are inherited" })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    attributes: Type.Optional(Type.Array(CiAttributeDef, { maxItems: 200 })),
    identificationRules: Type.Optional(Type.Array(IdentificationRule, { maxItems: 10, description: "Own rules; omit to inherit the parent's" })),
  },
  { additionalProperties: false },
);
export type CreateCiClassBody = Static<typeof CreateCiClassBody>;

export const ClassParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
export type ClassParams = Static<typeof ClassParams>;

// ---------- CIs ----------

const Host = Type.String({ minLength: 1, maxLength: 253 });
export const CiIdentifiers = Type.Object(
  {
    serialNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    fqdn: Type.Optional(Host),
    hostname: Type.Optional(Host),
    ipAddresses: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 45 }), { maxItems: 64 })),
    macAddresses: Type.Optional(Type.Array(Type.String({ minLength: 11, maxLength: 23 }), { maxItems: 64 })),
    cloudId: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: "Cloud resource id (ARN, Azure resource id, ...)" })),
    prometheusInstance: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: "Prometheus `instance` label" })),
    prometheusJob: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: "Prometheus `job` label" })),
    otelServiceName: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: "OpenTelemetry `service.name`" })),
    otelHostName: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: "OpenTelemetry `host.name`" })),
  },
  { additionalProperties: false, description: "Identifiers; serial number, FQDN and cloud id are unique across the CMDB" },
);
export type CiIdentifiers = Static<typeof CiIdentifiers>;

export const AttributeValue = Type.Union([Type.String({ maxLength: 4000 }), Type.Number(), Type.Boolean(), Type.Null()]);
export const CiAttributes = Type.Record(Type.String({ maxLength: 64 }), AttributeValue, {
  description: "Values of the class's attributes; null removes a value",
});

export const Ci = Type.Object(
  {
    id: Id,
    class: Type.String(),
    name: Type.String(),
    attributes: Type.Record(Type.String(), Type.Unknown()),
    lifecycleStatus: LifecycleStatus,
    operationalStatus: OperationalStatus,
    environment: Type.Union([Type.String(), Type.Null()]),
    criticality: Type.Union([Criticality, Type.Null()]),
    ownerGroupId: Type.Union([Type.String(), Type.Null()]),
    supportGroupId: Type.Union([Type.String(), Type.Null()]),
    identifiers: CiIdentifiers,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: "Ci", description: "A configuration item" },
);
export type Ci = Static<typeof Ci>;

const CiName = Type.String({ minLength: 1, maxLength: 255, description: "Display name" });
const Environment = Type.String({ minLength: 1, maxLength: 60, description: "production, staging, development, ..." });
const GroupId = Type.Union([Id, Type.Null()]);

const ciFields = {
  attributes: Type.Optional(CiAttributes),
  lifecycleStatus: Type.Optional(LifecycleStatus),
  operationalStatus: Type.Optional(OperationalStatus),
  environment: Type.Optional(Type.Union([Environment, Type.Null()])),
  criticality: Type.Optional(Type.Union([Criticality, Type.Null()])),
  ownerGroupId: Type.Optional(GroupId),
  supportGroupId: Type.Optional(GroupId),
  identifiers: Type.Optional(CiIdentifiers),
};

export const CreateCiBody = Type.Object(
  { class: Type.String({ minLength: 1, maxLength: 64, description: "Class name, e.g. linux_server" }), name: CiName, ...ciFields },
  { additionalProperties: false },
);
export type CreateCiBody = Static<typeof CreateCiBody>;

export const UpdateCiBody = Type.Object(
  { class: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), name: Type.Optional(CiName), ...ciFields },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCiBody = Static<typeof UpdateCiBody>;

export const ListCisQuery = Type.Object(
  {
    class: Type.Optional(Type.String({ maxLength: 64, description: "Only this class and its subclasses" })),
    q: Type.Optional(Type.String({ maxLength: 200, description: "Search in names and identifiers" })),
    lifecycleStatus: Type.Optional(LifecycleStatus),
    operationalStatus: Type.Optional(OperationalStatus),
    environment: Type.Optional(Type.String({ maxLength: 60 })),
    supportGroupId: Type.Optional(Type.String({ maxLength: 64 })),
    ownerGroupId: Type.Optional(Type.String({ maxLength: 64 })),
    sort: SortQuery(["name", "class", "createdAt", "updatedAt"]),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListCisQuery = Static<typeof ListCisQuery>;
export const CiList = Type.Object(
  {
    ...ListOf(Ci, "A page of configuration items").properties,
    total: Type.Integer({
      description:
        "CIs matching the filters, counted exactly up to 1,000 (or up to the end of the requested page, if further); one more than that (1,001 on the first pages) means more match. Counting a million CIs on every page would cost more than the page.",
    }),
  },
  { description: "A page of configuration items" },
);

// ---------- identification ----------

export const IdentifyCiBody = Type.Object(
  { source: Type.Optional(SourceName), ...CreateCiBody.properties },
  { additionalProperties: false, description: "A CI as a source sees it; matched by the class's identification rules" },
);
export type IdentifyCiBody = Static<typeof IdentifyCiBody>;

export const CiOutcome = literals(CI_OUTCOMES, "What happened: created, updated or unchanged");
export const IdentifyResult = Type.Object({ ci: Ci, outcome: CiOutcome });

const BulkEndpoint = Type.Object(
  {
    ref: Type.Optional(Type.String({ minLength: 1, maxLength: 120, description: "The `ref` of a CI item in this batch" })),
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "An existing CI id" })),
  },
  { additionalProperties: false },
);

export const BulkBody = Type.Object(
  {
    source: Type.Optional(SourceName),
    cis: Type.Optional(
      Type.Array(
        Type.Object({ ref: Type.Optional(Type.String({ minLength: 1, maxLength: 120, description: "Name to point relationships at" })), ...CreateCiBody.properties }, { additionalProperties: false }),
        { maxItems: 5000 },
      ),
    ),
    relationships: Type.Optional(
      Type.Array(Type.Object({ source: BulkEndpoint, type: Type.String({ minLength: 1, maxLength: 64 }), target: BulkEndpoint }, { additionalProperties: false }), { maxItems: 20000 }),
    ),
  },
  { additionalProperties: false, description: "A batch of CIs and relationships; each item succeeds or fails alone" },
);
export type BulkBody = Static<typeof BulkBody>;

const ItemError = Type.Object({ error: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) });
export const BulkResult = Type.Object({
  cis: Type.Array(
    Type.Object({
      index: Type.Integer(),
      ref: Type.Optional(Type.String()),
      outcome: Type.Union([CiOutcome, Type.Literal("error")]),
      id: Type.Optional(Type.String()),
      error: Type.Optional(ItemError),
    }),
  ),
  relationships: Type.Array(
    Type.Object({
      index: Type.Integer(),
      outcome: Type.Union([Type.Literal("created"), Type.Literal("unchanged"), Type.Literal("error")]),
      id: Type.Optional(Type.String()),
      error: Type.Optional(ItemError),
    }),
  ),
});
export type BulkResult = Static<typeof BulkResult>;

export const SourcePrecedence = Type.Object(
  { sources: Type.Array(SourceName, { minItems: 1, maxItems: 50, uniqueItems: true, description: "Highest precedence first; unlisted sources rank last" }) },
  { additionalProperties: false },
);
export type SourcePrecedence = Static<typeof SourcePrecedence>;

export const CiFieldSource = Type.Object({ field: Type.String(), source: Type.String(), confirmedAt: Timestamp });
export const CiFieldSourceList = Type.Object({ items: Type.Array(CiFieldSource) });

// ---------- history ----------

export const CiHistoryEntry = Type.Object({
  id: Type.Integer(),
  ciId: Id,
  at: Timestamp,
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  source: Type.String(),
  field: Type.String({ description: "e.g. name, attributes.os_version, identifiers.ipAddresses; `*` for a deletion" }),
  old: Type.Unknown(),
  new: Type.Unknown(),
});
export type CiHistoryEntry = Static<typeof CiHistoryEntry>;
export const ListCiHistoryQuery = Type.Object(
  { sort: Type.Optional(Type.Union([Type.Literal("at"), Type.Literal("-at")], { description: "Default -at (newest first)" })), ...PageQuery },
  { additionalProperties: false },
);
export type ListCiHistoryQuery = Static<typeof ListCiHistoryQuery>;
export const CiHistoryList = ListOf(CiHistoryEntry, "A page of CI changes");

// ---------- relationships ----------

export const RelationshipType = Type.Object(
  {
    name: Type.String(),
    label: Type.String({ description: "Read from the source: A <label> B" }),
    reverseLabel: Type.String({ description: "Read from the target: B <reverseLabel> A" }),
    impact: ImpactDirection,
    builtin: Type.Boolean(),
  },
  { title: "RelationshipType" },
);
export type RelationshipType = Static<typeof RelationshipType>;
export const RelationshipTypeList = Type.Object({ items: Type.Array(RelationshipType) });
export const CreateRelationshipTypeBody = Type.Object(
  { name: MachineName, label: Label, reverseLabel: Label, impact: ImpactDirection },
  { additionalProperties: false },
);
export type CreateRelationshipTypeBody = Static<typeof CreateRelationshipTypeBody>;

export const CiRef = Type.Object({ id: Id, name: Type.String(), class: Type.String(), operationalStatus: OperationalStatus });
export type CiRef = Static<typeof CiRef>;

export const Relationship = Type.Object(
  { id: Id, sourceId: Id, type: Type.String(), targetId: Id, dataSource: Type.String(), createdAt: Timestamp },
  { title: "Relationship", description: "source <type> target, e.g. app depends_on database" },
);
export type Relationship = Static<typeof Relationship>;

export const CreateRelationshipBody = Type.Object(
  { sourceId: Id, type: Type.String({ minLength: 1, maxLength: 64 }), targetId: Id },
  { additionalProperties: false },
);
export type CreateRelationshipBody = Static<typeof CreateRelationshipBody>;

export const ListRelationshipsQuery = Type.Object(
  {
    ciId: Type.Optional(Type.String({ maxLength: 64, description: "Relationships where this CI is source or target" })),
    type: Type.Optional(Type.String({ maxLength: 64 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListRelationshipsQuery = Static<typeof ListRelationshipsQuery>;
export const RelationshipList = ListOf(Relationship, "A page of relationships");

export const CiRelationship = Type.Object({
  id: Id,
  type: Type.String(),
  direction: Type.Union([Type.Literal("outgoing"), Type.Literal("incoming")], { description: "outgoing: this CI is the source" }),
  label: Type.String({ description: "The type's name as read from this CI, e.g. `runs on` or `runs`" }),
  ci: CiRef,
});
export const CiRelationshipList = Type.Object({ items: Type.Array(CiRelationship) });

// ---------- impact ----------

const impactDepth = (fallback: number) => Type.Integer({ minimum: 1, maximum: 10, default: fallback, description: "Hops to follow (1-10)" });
const WithEdges = Type.Boolean({ default: false, description: "Also answer `edges`: every relationship among the root and the reached CIs (what a map draws)" });
const withPaths = (fallback: boolean, description = "Also answer each item's full `path` and `relationshipTypes` (they can always be rebuilt from `from` and `type`)") =>
  Type.Boolean({ default: fallback, description });
export const ImpactQuery = Type.Object(
  {
    direction: Type.Optional(Type.Union([Type.Literal("downstream"), Type.Literal("upstream")], { default: "downstream", description: "downstream: what this CI's failure impacts; upstream: what it depends on" })),
    depth: Type.Optional(impactDepth(6)),
    edges: Type.Optional(WithEdges),
    paths: Type.Optional(withPaths(false)),
  },
  { additionalProperties: false },
);
export type ImpactQuery = Static<typeof ImpactQuery>;
export const DepthQuery = Type.Object(
  { depth: Type.Optional(impactDepth(6)), edges: Type.Optional(WithEdges), paths: Type.Optional(withPaths(false)) },
  { additionalProperties: false },
);
export type DepthQuery = Static<typeof DepthQuery>;
export const ServicesQuery = Type.Object(
  {
    depth: Type.Optional(impactDepth(10)),
    edges: Type.Optional(WithEdges),
    paths: Type.Optional(withPaths(true, "Answer each service's full `path` and `relationshipTypes` (default true here: the CIs in between are not in the answer)")),
  },
  { additionalProperties: false },
);
export type ServicesQuery = Static<typeof ServicesQuery>;

export const ImpactItem = Type.Object({
  ci: CiRef,
  depth: Type.Integer({ description: "Hops from the starting CI" }),
  from: Type.String({ minLength: 1, maxLength: 64, description: "The CI this one was reached from (one hop closer to the start; the start itself at depth 1). Following `from` back to the start gives the path" }),
  type: Type.String({ description: "Type of the relationship between `from` and this CI" }),
  path: Type.Optional(Type.Array(Id, { description: "With paths=true: CI ids from the starting CI to this one" })),
  relationshipTypes: Type.Optional(Type.Array(Type.String(), { description: "With paths=true: type of each hop along the path" })),
});
export type ImpactItem = Static<typeof ImpactItem>;
export const ImpactEdge = Type.Object({
  id: Id,
  sourceId: Id,
  targetId: Id,
  type: Type.String({ description: "Relationship type, read from source to target" }),
});
export type ImpactEdge = Static<typeof ImpactEdge>;
export const ImpactResult = Type.Object({
  root: CiRef,
  direction: Type.Union([Type.Literal("downstream"), Type.Literal("upstream")]),
  depth: Type.Integer(),
  items: Type.Array(ImpactItem, { description: "Each reached CI once, nearest first (then by name), with the hop that reached it along a shortest path" }),
  edges: Type.Optional(
    Type.Array(ImpactEdge, {
      description: "With edges=true: every relationship whose two ends are the root or a reached CI, so a map can draw the whole subgraph (not only the traversal tree)",
    }),
  ),
});
export type ImpactResult = Static<typeof ImpactResult>;

// ---------- CSV import and export ----------

export const CsvImportQuery = Type.Object(
  {
    dryRun: Type.Optional(Type.Boolean({ default: false, description: "Report what would change (per row: field, old, new) and write nothing" })),
    class: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "Class for rows whose class column is empty or missing" })),
    source: Type.Optional(SourceName),
    match: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 300,
        description:
          "Declared match keys, tried in order: comma-separated columns, `+` joins columns that must all match, e.g. `serial_number,hostname+ip_addresses` or `name`. Default: each class's identification rules",
      }),
    ),
  },
  { additionalProperties: false },
);
export type CsvImportQuery = Static<typeof CsvImportQuery>;

const CsvChange = Type.Object({ field: Type.String({ description: "e.g. name, attributes.os_version, identifiers.ipAddresses" }), old: Type.Unknown(), new: Type.Unknown() });

export const CsvImportResult = Type.Object(
  {
    dryRun: Type.Boolean(),
    source: Type.String(),
    matchKeys: Type.Union([Type.Array(Type.Array(Type.String())), Type.Null()], { description: "The declared match keys, or null when each class's identification rules apply" }),
    columns: Type.Record(Type.String(), Type.String(), { description: "How each CSV column was read: column -> OpsDesk field" }),
    ignoredColumns: Type.Array(Type.String(), { description: "Columns OpsDesk does not know (their values are not imported)" }),
    counts: Type.Object({
      rows: Type.Integer(),
      created: Type.Integer(),
      updated: Type.Integer(),
      unchanged: Type.Integer(),
      errors: Type.Integer(),
    }),
    errors: Type.Array(
      Type.Object({
        row: Type.Integer({ description: "Data row, 1 = the first row after the header" }),
        line: Type.Integer({ description: "Line of the file where the row ends (the header is line 1)" }),
        field: Type.Union([Type.String(), Type.Null()], { description: "The CSV column at fault, when there is one" }),
        error: Type.String(),
        message: Type.String(),
      }),
      { description: "Rows that were not imported (at most 1,000 listed; counts.errors has them all)" },
    ),
    changes: Type.Optional(
      Type.Array(
        Type.Object({
          row: Type.Integer(),
          outcome: Type.Union([Type.Literal("created"), Type.Literal("updated")]),
          ciId: Type.Union([Type.String(), Type.Null()], { description: "The CI that would be updated (null for one that would be created)" }),
          name: Type.String(),
          class: Type.String(),
          changes: Type.Array(CsvChange),
        }),
        { description: "Dry run only: the rows that would create or change a CI (at most 10,000 listed)" },
      ),
    ),
    truncated: Type.Boolean({ description: "More errors or changes happened than are listed" }),
    warnings: Type.Array(Type.String(), { description: "Values that were skipped, e.g. a column the row's class has no attribute for" }),
  },
  { title: "CsvImportResult", description: "What a CSV import did (or, as a dry run, would do)" },
);
export type CsvImportResult = Static<typeof CsvImportResult>;

export const CsvExportQuery = Type.Object(
  {
    class: Type.Optional(Type.String({ maxLength: 64, description: "Only this class and its subclasses" })),
    q: Type.Optional(Type.String({ maxLength: 200, description: "Search in names and identifiers" })),
    lifecycleStatus: Type.Optional(LifecycleStatus),
    operationalStatus: Type.Optional(OperationalStatus),
    environment: Type.Optional(Type.String({ maxLength: 60 })),
    supportGroupId: Type.Optional(Type.String({ maxLength: 64 })),
    ownerGroupId: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type CsvExportQuery = Static<typeof CsvExportQuery>;

// ---------- comparing a CI at two points in time ----------

export const CompareCiQuery = Type.Object(
  {
    from: Type.String({ format: "date-time", description: "The earlier point in time" }),
    to: Type.Optional(Type.String({ format: "date-time", description: "The later point in time (default: now)" })),
  },
  { additionalProperties: false },
);
export type CompareCiQuery = Static<typeof CompareCiQuery>;

export const CiSnapshot = Type.Object({
  at: Timestamp,
  exists: Type.Boolean({ description: "False before the CI was created or after it was deleted" }),
  fields: Type.Record(Type.String(), Type.Unknown(), { description: "Flat fields as history names them: name, attributes.x, identifiers.y" }),
});
export const CiComparison = Type.Object(
  {
    ciId: Id,
    from: CiSnapshot,
    to: CiSnapshot,
    changes: Type.Array(Type.Object({ field: Type.String(), from: Type.Unknown(), to: Type.Unknown() }), { description: "Fields that differ, by name" }),
  },
  { title: "CiComparison", description: "A CI's recorded state at two points in time, rebuilt from its history" },
);
export type CiComparison = Static<typeof CiComparison>;
