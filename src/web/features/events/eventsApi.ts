/**
 * Event management as the web UI uses it. The shapes mirror src/contract/events.ts and
 * events.am.ts; silences go through the Alertmanager-compatible /api/v2 routes.
 */
import { api } from "../../api/client";
import type { Page } from "../../api/types";

export type AlertSeverity = "critical" | "major" | "minor" | "warning" | "info";
export type AlertStatus = "firing" | "acknowledged" | "suppressed" | "resolved";
export interface CiSummary {
  id: string;
  name: string;
  class: string;
}

export interface Alert {
  fingerprint: string;
  source: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorUrl: string;
  severity: AlertSeverity;
  status: AlertStatus;
  flapping: boolean;
  silencedBy: string[];
  startsAt: string;
  endsAt: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  occurrences: number;
  ci: CiSummary | null;
  service: CiSummary | null;
  groupId: string | null;
  incidentId: string | null;
}

export interface AlertGroup {
  id: string;
  kind: "topology" | "labels";
  title: string;
  status: "open" | "resolved" | "merged";
  severity: AlertSeverity;
  rootCause: CiSummary | null;
  labels: Record<string, string>;
  alertCount: number;
  activeCount: number;
  incidentId: string | null;
  mergedInto: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

export interface AlertGroupDetail {
  group: AlertGroup;
  alerts: Alert[];
  cis: CiSummary[];
  edges: Array<{ sourceId: string; targetId: string; type: string }>;
}

export interface AlertCounts {
  bySeverity: Record<string, number>;
  byStatus: Record<string, number>;
  openGroups: number;
  byCi: Array<{ ciId: string; count: number; severity: AlertSeverity }>;
}

export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}
export interface Silence {
  id: string;
  status: { state: "active" | "pending" | "expired" };
  updatedAt: string;
  comment: string;
  createdBy: string;
  startsAt: string;
  endsAt: string;
  matchers: Matcher[];
}

export interface AlertQuery {
  status?: string;
  severity?: string;
  ciId?: string;
  groupId?: string;
  q?: string;
  sort?: string;
  limit?: number;
  offset?: number;
}

/** Alerts, filtered and paged. */
export function listAlerts(query: AlertQuery, signal?: AbortSignal): Promise<Page<Alert>> {
  return api.get("/api/v1/events/alerts", { query: { ...query }, signal });
}

/** Active alert counts by severity, status and CI. */
export function alertCounts(signal?: AbortSignal): Promise<AlertCounts> {
  return api.get("/api/v1/events/alerts/counts", { signal });
}

/** Acknowledges a firing alert. */
export function acknowledgeAlert(fingerprint: string, comment?: string): Promise<Alert> {
  return api.post(`/api/v1/events/alerts/${encodeURIComponent(fingerprint)}/acknowledge`, comment ? { comment } : {});
}

/** Alert groups, newest first. */
export function listGroups(query: { status?: string; ciId?: string; limit?: number; offset?: number }, signal?: AbortSignal): Promise<Page<AlertGroup>> {
  return api.get("/api/v1/events/groups", { query: { ...query }, signal });
}

/** One group with its alerts and topology. */
export function getGroup(id: string, signal?: AbortSignal): Promise<AlertGroupDetail> {
  return api.get(`/api/v1/events/groups/${encodeURIComponent(id)}`, { signal });
}

/** Every silence (Alertmanager API). */
export function listSilences(signal?: AbortSignal): Promise<Silence[]> {
  return api.get("/api/v2/silences", { signal });
}

/** Creates a silence; returns its id. */
export function createSilence(input: { matchers: Matcher[]; startsAt: string; endsAt: string; createdBy: string; comment: string }): Promise<{ silenceID: string }> {
  return api.post("/api/v2/silences", input);
}

/** Expires a silence now. */
export function expireSilence(id: string): Promise<void> {
  return api.delete(`/api/v2/silence/${encodeURIComponent(id)}`);
}
