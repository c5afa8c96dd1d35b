/** Other senders -> the normalised model: PagerDuty Events API v2 events and generic JSON webhooks read through a mapping. */
import { randomUUID } from "node:crypto";
import type { AlertSeverity, FieldMapping, PagerDutyEvent } from "../../../contract/index.js";
import { ValidationError } from "../../platform/errors.js";
import { fingerprintOfKey } from "./events.fingerprint.js";
import type { IncomingAlert } from "./events.model.js";
import { normaliseSeverity } from "./events.severity.js";
import { MAX_ALERTS_PER_BATCH, MAX_LABEL_VALUE } from "../../../contract/index.js";

const PD_SEVERITY: Record<string, AlertSeverity> = { critical: "critical", error: "major", warning: "warning", info: "info" };

/** A PagerDuty event; the dedup key identifies the alert (generated for a trigger without one). */
export function fromPagerDuty(e: PagerDutyEvent, now: number): { alert: IncomingAlert; dedupKey: string } {
  if (e.event_action === "trigger" && !e.payload) throw new ValidationError("events.missing_payload", "payload is required for a trigger", { field: "payload" });
  if (e.event_action !== "trigger" && !e.dedup_key) throw new ValidationError("events.missing_dedup_key", `dedup_key is required to ${e.event_action}`, { field: "dedup_key" });
  const dedupKey = e.dedup_key ?? randomUUID();
  const p = e.payload;
  const labels: Record<string, string> = { alertname: clip(p?.summary ?? dedupKey), routing_key: clip(e.routing_key), dedup_key: clip(dedupKey) };
  if (p) {
    labels.host = clip(p.source);
    labels.severity = p.severity;
    if (p.component) labels.component = clip(p.component);
    if (p.group) labels.group = clip(p.group);
    if (p.class) labels.class = clip(p.class);
  }
  const annotations: Record<string, string> = {};
  if (p?.summary) annotations.summary = p.summary;
  if (p?.custom_details !== undefined) annotations.custom_details = typeof p.custom_details === "string" ? p.custom_details : JSON.stringify(p.custom_details);
  const startsAt = p?.timestamp ? Date.parse(p.timestamp) : now;
  return {
    dedupKey,
    alert: {
      fingerprint: fingerprintOfKey(`pagerduty:${e.routing_key}`, dedupKey),
      source: "pagerduty",
      labels,
      annotations,
      generatorUrl: e.client_url ?? "",
      severity: p ? PD_SEVERITY[p.severity] : "warning",
      startsAt: new Date(startsAt).toISOString(),
      endsAt: e.event_action === "resolve" ? new Date(now).toISOString() : null,
      acknowledge: e.event_action === "acknowledge",
    },
  };
}

function clip(v: string): string {
  return v.length > MAX_LABEL_VALUE ? v.slice(0, MAX_LABEL_VALUE) : v;
}

/** The value at a dotted path (`a.b.0.c`), or undefined. */
export function at(value: unknown, path: string): unknown {
  let cur = value;
  for (const part of path.split(".")) {
    if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
}

function time(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const t = typeof value === "number" ? (value < 1e12 ? value * 1000 : value) : Date.parse(String(value));
  if (!Number.isFinite(t)) throw new ValidationError("events.invalid_time", `${field} is not a time: ${text(value)}`, { field });
  return t;
}

const RESOLVED = ["resolved", "ok", "closed", "recovered", "resolve", "normal", "up"];

/** Events of a generic webhook payload, read through the source's mapping; a 400 names what is missing. */
export function fromGeneric(sourceName: string, mapping: FieldMapping, payload: Record<string, unknown>, now: number): IncomingAlert[] {
  let items: unknown[] = [payload];
  if (mapping.itemsPath) {
    const list = at(payload, mapping.itemsPath);
    if (!Array.isArray(list)) throw new ValidationError("events.mapping_mismatch", `${mapping.itemsPath} is not an array in the payload`, { field: mapping.itemsPath });
    items = list;
  }
  if (!items.length) throw new ValidationError("events.empty_batch", "The payload has no events", { field: mapping.itemsPath ?? "body" });
  if (items.length > MAX_ALERTS_PER_BATCH) throw new ValidationError("events.batch_too_large", `At most ${MAX_ALERTS_PER_BATCH} events per request`, { field: mapping.itemsPath ?? "body" });
  const resolvedValues = (mapping.resolvedValues ?? RESOLVED).map((v) => v.toLowerCase());
  return items.map((item, i) => {
    const where = (p: string) => (mapping.itemsPath ? `${mapping.itemsPath}.${i}.${p}` : p);
    const name = text(at(item, mapping.name));
    if (!name) throw new ValidationError("events.mapping_mismatch", `${where(mapping.name)} (the alert name) is missing`, { field: where(mapping.name) });
    const labels: Record<string, string> = { alertname: name };
    const host = mapping.host ? text(at(item, mapping.host)) : undefined;
    if (host) labels.host = host;
    for (const [label, p] of Object.entries(mapping.labels ?? {})) {
      const v = text(at(item, p));
      if (v !== undefined) labels[label] = v;
    }
    for (const [k, v] of Object.entries(labels)) {
      if (v.length > MAX_LABEL_VALUE) throw new ValidationError("events.label_too_long", `Label ${k} is longer than ${MAX_LABEL_VALUE} characters`, { field: where(k) });
    }
    const rawSeverity = mapping.severity ? text(at(item, mapping.severity)) : undefined;
    const severity = (rawSeverity !== undefined && mapping.severityMap?.[rawSeverity]) || normaliseSeverity(rawSeverity);
    if (rawSeverity) labels.severity = rawSeverity;
    const status = mapping.status ? text(at(item, mapping.status)) : undefined;
    const resolved = status !== undefined && resolvedValues.includes(status.toLowerCase());
    const annotations: Record<string, string> = {};
    const summary = mapping.summary ? text(at(item, mapping.summary)) : undefined;
    const description = mapping.description ? text(at(item, mapping.description)) : undefined;
    if (summary) annotations.summary = summary;
    if (description) annotations.description = description;
    const key = (mapping.dedupKey ?? [mapping.name, ...(mapping.host ? [mapping.host] : [])]).map((p) => text(at(item, p)) ?? "").join("\u0000");
    const startsAt = (mapping.startsAt ? time(at(item, mapping.startsAt), where(mapping.startsAt)) : undefined) ?? now;
    return {
      fingerprint: fingerprintOfKey(`generic:${sourceName}`, key),
      source: `generic:${sourceName}`,
      labels,
      annotations,
      generatorUrl: "",
      severity,
      startsAt: new Date(Math.min(startsAt, now)).toISOString(),
      endsAt: resolved ? new Date(now).toISOString() : null,
    };
  });
}
