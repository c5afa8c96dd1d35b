/** Alertmanager's alert shapes (API v2 postable alerts, webhook v4 alerts) -> the normalised model. */
import type { AmPostableAlert, AmWebhookBody } from "../../../contract/index.js";
import { ValidationError } from "../../platform/errors.js";
import { fingerprintOf } from "./events.fingerprint.js";
import { isZeroTime, type IncomingAlert } from "./events.model.js";
import { normaliseSeverity } from "./events.severity.js";

// The alerts of one request (one rule evaluation, one Alertmanager flush) mostly carry the same
// few times: each distinct text is parsed and each instant printed once, not once per alert.
const MEMO_MAX = 64;
const parsed = new Map<string, number>();
const printed = new Map<number, string>();

function parseTime(value: string, field: string): number {
  const hit = parsed.get(value);
  if (hit !== undefined) return hit;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ValidationError("events.invalid_time", `${field} is not an RFC 3339 time: "${value}"`, { field });
  if (parsed.size >= MEMO_MAX) parsed.clear();
  parsed.set(value, t);
  return t;
}

function isoOf(ms: number): string {
  let text = printed.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    if (printed.size >= MEMO_MAX) printed.clear();
    printed.set(ms, text);
  }
  return text;
}

/**
 * One posted alert, Alertmanager's way: an unset startsAt is now; an unset endsAt means
 * "expires after resolve_timeout unless refreshed"; an endsAt in the past means resolved.
 */
export function fromPostable(a: AmPostableAlert, index: number, now: number, resolveTimeoutMs: number, source = "alertmanager"): IncomingAlert {
  const startsAt = isZeroTime(a.startsAt) ? now : parseTime(a.startsAt!, `[${index}].startsAt`);
  const endsAt = isZeroTime(a.endsAt) ? Math.max(now, startsAt) + resolveTimeoutMs : parseTime(a.endsAt!, `[${index}].endsAt`);
  if (!isZeroTime(a.endsAt) && !isZeroTime(a.startsAt) && endsAt < startsAt) {
    throw new ValidationError("events.invalid_time", `[${index}].endsAt is before startsAt`, { field: `[${index}].endsAt` });
  }
  const labels = a.labels as Record<string, string>;
  return {
    fingerprint: fingerprintOf(labels),
    source,
    labels,
    annotations: (a.annotations ?? {}) as Record<string, string>,
    generatorUrl: a.generatorURL ?? "",
    severity: normaliseSeverity(labels.severity ?? labels.priority ?? labels.level),
    startsAt: isoOf(startsAt),
    endsAt: isoOf(endsAt),
  };
}

/**
 * A webhook notification from an existing Alertmanager: it says firing or resolved; a firing
 * alert stays firing until Alertmanager sends it resolved (it re-notifies meanwhile).
 */
export function fromWebhook(body: AmWebhookBody, now: number): IncomingAlert[] {
  if (body.version !== "4") throw new ValidationError("events.unsupported_version", `Webhook payload version "${body.version}" is not supported; Alertmanager sends version 4`, { field: "version" });
  return body.alerts.map((a, i) => {
    const labels = a.labels as Record<string, string>;
    const startsAt = isZeroTime(a.startsAt) ? now : parseTime(a.startsAt!, `alerts.${i}.startsAt`);
    let endsAt: number | null = null;
    if (a.status === "resolved") endsAt = isZeroTime(a.endsAt) ? now : Math.min(parseTime(a.endsAt!, `alerts.${i}.endsAt`), now);
    return {
      fingerprint: fingerprintOf(labels),
      source: "alertmanager_webhook",
      labels,
      annotations: (a.annotations ?? {}) as Record<string, string>,
      generatorUrl: a.generatorURL ?? "",
      severity: normaliseSeverity(labels.severity ?? labels.priority ?? labels.level),
      startsAt: isoOf(startsAt),
      endsAt: endsAt === null ? null : isoOf(endsAt),
    };
  });
}
