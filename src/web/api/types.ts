/**
 * Shapes returned by the OpsDesk HTTP API (v1), as the web UI uses them.
 * They mirror the server contract; dates are ISO-8601 strings.
 */

export interface GroupRef {
  id: string;
  name: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
  groups?: GroupRef[];
}

export interface Session {
  user: User;
  csrfToken: string;
  permissions: string[];
}

export interface Role {
  name: string;
  label: string;
  description: string;
  permissions: string[];
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface Group {
  id: string;
  name: string;
  description: string | null;
  email: string | null;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface Token {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  userEmail: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedToken {
  token: Token;
  secret: string;
}

export interface AuditEntry {
  /** A sequence number on the server; treated as opaque. */
  id: string | number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
}

/** Permission strings the UI checks. */
export type Permission =
  | "users.read"
  | "users.write"
  | "groups.read"
  | "groups.write"
  | "tokens.own"
  | "tokens.admin"
  | "audit.read"
  | "roles.read"
  | "settings.admin"
  | "cmdb.read"
  | "cmdb.write"
  | "cmdb.admin"
  | "tickets.read"
  | "tickets.write"
  | "tickets.own"
  | "tickets.admin"
  | "events.read"
  | "events.write"
  | "events.ingest"
  | "events.admin"
  | "sla.read"
  | "sla.admin";

// ---------- CMDB ----------

/** The CMDB's permissions. */
export type CmdbPermission = Extract<Permission, `cmdb.${string}`>;

export type CiLifecycleStatus = "planned" | "in_service" | "maintenance" | "retired";
export type CiOperationalStatus = "up" | "degraded" | "down" | "unknown";
export type CiCriticality = "low" | "medium" | "high" | "critical";
export type CiAttributeType = "string" | "number" | "boolean" | "date" | "enum";
/** How a failure travels along a relationship type. */
export type ImpactDirection = "target_to_source" | "source_to_target" | "both" | "none";

export interface CiAttributeDef {
  name: string;
  label?: string;
  type: CiAttributeType;
  required?: boolean;
  allowedValues?: string[];
}

export interface CiClass {
  name: string;
  label: string;
  parent: string | null;
  description: string;
  builtin: boolean;
  attributes: CiAttributeDef[];
  /** Own and inherited attributes; inheritedFrom is null for the class's own. */
  allAttributes: (CiAttributeDef & { inheritedFrom: string | null })[];
  identificationRules: string[][];
  /** Ancestors from the root down to this class. */
  path: string[];
}

export interface CiIdentifiers {
  serialNumber?: string;
  fqdn?: string;
  hostname?: string;
  ipAddresses?: string[];
  macAddresses?: string[];
  cloudId?: string;
  prometheusInstance?: string;
  prometheusJob?: string;
  otelServiceName?: string;
  otelHostName?: string;
}

export type CiAttributeValue = string | number | boolean | null;

export interface Ci {
  id: string;
  class: string;
  name: string;
  attributes: Record<string, unknown>;
  lifecycleStatus: CiLifecycleStatus;
  operationalStatus: CiOperationalStatus;
  environment: string | null;
  criticality: CiCriticality | null;
  ownerGroupId: string | null;
  supportGroupId: string | null;
  identifiers: CiIdentifiers;
  createdAt: string;
  updatedAt: string;
}

/** The few fields of a CI that graph and relationship answers carry. */
export interface CiRef {
  id: string;
  name: string;
  class: string;
  operationalStatus: CiOperationalStatus;
}

export interface RelationshipType {
  name: string;
  /** Read from the source: A <label> B. */
  label: string;
  /** Read from the target: B <reverseLabel> A. */
  reverseLabel: string;
  impact: ImpactDirection;
  builtin: boolean;
}

export interface Relationship {
  id: string;
  sourceId: string;
  type: string;
  targetId: string;
  dataSource: string;
  createdAt: string;
}

/** A relationship as seen from one CI. */
export interface CiRelationship {
  id: string;
  type: string;
  /** outgoing: this CI is the source. */
  direction: "outgoing" | "incoming";
  /** The type's name as read from this CI, e.g. "runs on" or "runs". */
  label: string;
  ci: CiRef;
}

export interface CiHistoryEntry {
  id: number;
  ciId: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  source: string;
  /** e.g. name, attributes.os_version, identifiers.ipAddresses; "*" for a deletion. */
  field: string;
  old: unknown;
  new: unknown;
}

export interface ImpactItem {
  ci: CiRef;
  depth: number;
  /** The CI this one was reached from (the start at depth 1): following it back gives the path. */
  from: string;
  /** Type of the relationship between `from` and this CI. */
  type: string;
  /** With paths=true (the default for impacted services): CI ids from the starting CI to this one. */
  path?: string[];
  /** With paths=true: type of each hop along the path. */
  relationshipTypes?: string[];
}

export interface ImpactEdge {
  id: string;
  sourceId: string;
  targetId: string;
  type: string;
}

export interface ImpactResult {
  root: CiRef;
  direction: "downstream" | "upstream";
  depth: number;
  items: ImpactItem[];
  /** With edges=true: every relationship among the root and the reached CIs. */
  edges?: ImpactEdge[];
}

export interface CiSnapshot {
  at: string;
  /** False before the CI was created or after it was deleted. */
  exists: boolean;
  fields: Record<string, unknown>;
}

export interface CiComparison {
  ciId: string;
  from: CiSnapshot;
  to: CiSnapshot;
  changes: Array<{ field: string; from: unknown; to: unknown }>;
}
