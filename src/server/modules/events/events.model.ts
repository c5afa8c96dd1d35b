/** The normalised alert as every receiver hands it to the pipeline, and rows -> API shapes. */
import type { Selectable } from "kysely";
import type { Alert, AlertSeverity, AlertStatus } from "../../../contract/index.js";
import type { AlertsTable } from "../../platform/db/schema.events.js";
import { toBool } from "../../platform/db/dialect.js";

/** One alert as a receiver understood it, before deduplication. */
export interface IncomingAlert {
  fingerprint: string;
  source: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorUrl: string;
  severity: AlertSeverity;
  /** ISO time. */
  startsAt: string;
  /** ISO time: in the past = resolved; in the future = expiry unless refreshed; null = no expiry. */
  endsAt: string | null;
  /** PagerDuty's acknowledge. */
  acknowledge?: boolean;
}

/** Statuses that are not over. */
export const ACTIVE_STATUSES: AlertStatus[] = ["firing", "acknowledged", "suppressed"];

/** Alertmanager's zero time means "unset". */
export function isZeroTime(value: string | undefined | null): boolean {
  return !value || value.startsWith("0001-01-01");
}

export type AlertRow = Selectable<AlertsTable>;
export interface CiRef {
  id: string;
  name: string;
  class: string;
}

/** The API shape of an alert row; `cis` resolves CI and service names, `incidents` group -> incident. */
export function toAlert(row: AlertRow, cis: Map<string, CiRef>, incidents: Map<string, string | null>): Alert {
  return {
    fingerprint: row.fingerprint,
    source: row.source,
    name: row.alertname,
    labels: JSON.parse(row.labels),
    annotations: JSON.parse(row.annotations),
    generatorUrl: row.generator_url,
    severity: row.severity as AlertSeverity,
    status: row.status as AlertStatus,
    flapping: toBool(row.flapping),
    silencedBy: JSON.parse(row.silenced_by),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    firstSeenAt: row.first_seen,
    lastSeenAt: row.last_seen,
    occurrences: row.occurrences,
    ci: row.ci_id ? (cis.get(row.ci_id) ?? { id: row.ci_id, name: "(deleted CI)", class: "unidentified" }) : null,
    service: row.service_id ? (cis.get(row.service_id) ?? null) : null,
    groupId: row.group_id,
    incidentId: row.group_id ? (incidents.get(row.group_id) ?? null) : null,
  };
}
