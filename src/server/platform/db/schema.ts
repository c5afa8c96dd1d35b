import type { ColumnType, Generated, Kysely, Transaction } from "kysely";
import type { TicketTables } from "./schema.tickets.js";
import type { EventsTables } from "./schema.events.js";
import type { SlaTables } from "./schema.sla.js";
import type { ChangesTables } from "./schema.changes.js";
import type { ProblemsTables } from "./schema.problems.js";

/** Timestamps travel as ISO-8601 strings (UTC, millisecond precision) on both dialects. */
export type Timestamp = string;
/** Auto-increment keys: numbers on SQLite, bigint strings on PostgreSQL; normalise with Number(). */
export type AutoId = ColumnType<number | string, never, never>;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: string;
  active: boolean;
  password_hash: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_login_at: Timestamp | null;
  password_changed_at: Timestamp | null;
}

export interface GroupsTable {
  id: string;
  name: string;
  description: string;
  email: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: string; // sha256 of the cookie value
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface LoginFailuresTable {
  id: Generated<AutoId>;
  key: string;
  at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<AutoId>;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  entity: string;
  entity_id: string;
  before: string | null;
  after: string | null;
  ip: string | null;
}

export interface OutboxTable {
  id: Generated<AutoId>;
  type: string;
  payload: string;
  created_at: Timestamp;
  available_at: Timestamp;
  attempts: number;
  locked_by: string | null;
  locked_until: Timestamp | null;
  dispatched_at: Timestamp | null;
  last_error: string | null;
}

export interface JobsTable {
  id: string;
  type: string;
  payload: string;
  state: "queued" | "running" | "done" | "failed";
  run_at: Timestamp;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  dedupe_key: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}

/** Small key/value facts about the installation (e.g. first-run setup done). */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: Timestamp;
}

/** A CI class; `attributes` and `identification` are JSON text. */
export interface CiClassesTable {
  name: string;
  label: string;
  parent: string | null;
  description: string;
  attributes: string;
  identification: string | null;
  builtin: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/**
 * A configuration item; `attributes` is a JSON object as text. `sources` (JSON, 0012) says
 * which source set each field and when it was last confirmed: `{"*": [source, at]}` covers
 * every field the CI holds that has no entry of its own; `{field: [source, at] | null}`.
 */
export interface CisTable {
  id: string;
  class: string;
  name: string;
  attributes: string;
  lifecycle_status: string;
  operational_status: string;
  environment: string | null;
  criticality: string | null;
  owner_group_id: string | null;
  support_group_id: string | null;
  sources: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One identifier of a CI (normalised value), e.g. ("fqdn", "web01.example.com"). */
export interface CiIdentifiersTable {
  ci_id: string;
  kind: string;
  value: string;
}

export interface CiRelationshipTypesTable {
  name: string;
  label: string;
  reverse_label: string;
  impact: string;
  builtin: boolean;
  created_at: Timestamp;
}

export interface CiRelationshipsTable {
  id: string;
  source_id: string;
  type: string;
  target_id: string;
  data_source: string;
  created_at: Timestamp;
}

/** One change to ci_relationships (0015), written by triggers: "+" added, "-" removed; "*": a CI's name, class or status changed, or it was deleted (source_id). */
export interface CiRelationshipLogTable {
  seq: Generated<number>;
  op: "+" | "-" | "*";
  source_id: string;
  type: string;
  target_id: string;
}

/** The prune job's bound (0015, one row): log rows below `below` may be gone. */
export interface CiRelationshipLogPrunedTable {
  id: number;
  below: number;
}

/**
 * One write to a CI (0012): every field it changed, as JSON `{field: [old, new]}` (a
 * creation lists every field it set; a deletion is `{"*": [the CI, null]}`).
 */
export interface CiChangesTable {
  id: Generated<AutoId>;
  ci_id: string;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string | null;
  source: string;
  changes: string;
  /** How many fields `changes` holds, so a page of the per-field history is found without parsing. */
  field_count: number;
}

/** The whole database as Kysely sees it; each later module declares its tables in schema.<module>.ts. */
export interface Database extends TicketTables, EventsTables, SlaTables, ChangesTables, ProblemsTables {
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  jobs: JobsTable;
  settings: SettingsTable;
  ci_classes: CiClassesTable;
  cis: CisTable;
  ci_identifiers: CiIdentifiersTable;
  ci_relationship_types: CiRelationshipTypesTable;
  ci_relationships: CiRelationshipsTable;
  ci_relationship_log: CiRelationshipLogTable;
  ci_relationship_log_pruned: CiRelationshipLogPrunedTable;
  ci_changes: CiChangesTable;
}

/** A database handle or an open transaction: services accept either. */
export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
export type DbOrTrx = Db | Trx;
