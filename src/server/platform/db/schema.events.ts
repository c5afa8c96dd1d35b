/** Tables of the events module (migration 0005-events), as Kysely sees them. */
import type { Generated } from "kysely";
import type { AutoId, Timestamp } from "./schema.js";

/** One alert per fingerprint: its latest state, with counters; the history table keeps every change. */
export interface AlertsTable {
  fingerprint: string;
  source: string;
  alertname: string;
  labels: string;
  annotations: string;
  generator_url: string;
  severity: string;
  status: string;
  starts_at: Timestamp;
  /** Resolved at, or expiry unless refreshed; null: no expiry (webhook sources say when it resolves). */
  ends_at: Timestamp | null;
  first_seen: Timestamp;
  last_seen: Timestamp;
  occurrences: number;
  status_changed_at: Timestamp;
  flap_count: number;
  flap_since: Timestamp | null;
  flapping: boolean | number;
  /** JSON array of silence and maintenance-window ids suppressing it. */
  silenced_by: string;
  ci_id: string | null;
  service_id: string | null;
  group_id: string | null;
  /** 1 while correlation and incident work for its last change is still to do. */
  pending: number;
}

export interface AlertHistoryTable {
  id: Generated<AutoId>;
  fingerprint: string;
  alertname: string;
  at: Timestamp;
  event: string;
  status: string;
  severity: string;
  ci_id: string | null;
  group_id: string | null;
  data: string | null;
}

export interface AlertGroupsTable {
  id: string;
  kind: string;
  key: string;
  title: string;
  status: string;
  severity: string;
  root_ci_id: string | null;
  labels: string;
  alert_count: number;
  active_count: number;
  incident_id: string | null;
  /** 1 while the group's incident is out of date (opened, updated or resolved next). */
  incident_sync: number;
  /** JSON array of the fingerprints already listed on the incident. */
  announced: string;
  merged_into: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_alert_at: Timestamp;
  resolved_at: Timestamp | null;
}

export interface AlertGroupCisTable {
  group_id: string;
  ci_id: string;
}

export interface SilencesTable {
  id: string;
  matchers: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  created_by: string;
  comment: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MaintenanceWindowsTable {
  id: string;
  name: string;
  ci_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  comment: string;
  created_by: string;
  created_at: Timestamp;
}

export interface EventSourcesTable {
  id: string;
  name: string;
  mapping: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Validated alert batches acknowledged but not yet folded into `alerts` (migration 0016). */
export interface AlertJournalTable {
  id: Generated<AutoId>;
  received_at: Timestamp;
  /** How many alerts `alerts` holds. */
  count: number;
  /** JSON array of normalised alerts, in the order received. */
  alerts: string;
}

export interface EventsTables {
  alerts: AlertsTable;
  alert_history: AlertHistoryTable;
  alert_groups: AlertGroupsTable;
  alert_group_cis: AlertGroupCisTable;
  silences: SilencesTable;
  maintenance_windows: MaintenanceWindowsTable;
  event_sources: EventSourcesTable;
  alert_journal: AlertJournalTable;
}
