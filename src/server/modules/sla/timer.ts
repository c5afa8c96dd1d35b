/**
 * SLA timers: how much business time an SLA has used given its pauses, when it breaches, and
 * why, in words. Pure arithmetic on a business calendar; persistence and scheduling live elsewhere.
 * A stopped SLA (achieved, cancelled) is computed with `now` set to the moment it stopped.
 */
import { DateTime } from "luxon";
import { ValidationError } from "../../platform/errors.js";
import { addBusinessMs, businessMsBetween, type BusinessCalendar } from "./calendar.js";

/** One pause of the clock; `resumedAt` null means still paused (only the last pause may be). */
export interface TimerPause {
  pausedAt: number;
  resumedAt: number | null;
  /** Why, as shown to people, e.g. "On hold (awaiting caller)". */
  reason: string;
}

export interface TimerInput {
  calendar: BusinessCalendar;
  startedAt: number;
  /** The agreed business time, e.g. 8 h to resolve. */
  targetMs: number;
  /** In time order, not overlapping, all at or after startedAt and not after now. */
  pauses: readonly TimerPause[];
  now: number;
}

export interface TimerExplanation {
  kind: "pause" | "breach";
  /** Pause start, or the breach instant. */
  at: number;
  /** Pause end; null while still paused and for a breach. */
  until: number | null;
  /** Business time the entry accounts for (0 for a breach). */
  businessMs: number;
  text: string;
}

export interface TimerState {
  /** Business time counted toward the target: business time since start minus paused business time. */
  elapsedMs: number;
  /** Business time that fell inside pauses (what the pauses added to the deadline). */
  pausedBusinessMs: number;
  /** Clock time spent paused. */
  pausedWallMs: number;
  /** targetMs - elapsedMs; negative once breached. */
  remainingMs: number;
  /** elapsedMs / targetMs * 100, not capped at 100. */
  percent: number;
  paused: boolean;
  /** The target has been used up (elapsed >= target). */
  breached: boolean;
  /**
   * When the target is (or was) used up: the planned breach while running, the actual one once
   * breached, null while paused before breaching (it moves until the clock resumes).
   */
  breachAt: number | null;
  explanation: TimerExplanation[];
}

/** Checks the pause list: ordered, not overlapping, inside [startedAt, now], only the last one open. */
export function validateTimerInput(input: TimerInput): void {
  const { startedAt, targetMs, pauses, now } = input;
  const fail = (code: string, field: string, message: string): never => {
    throw new ValidationError(code, message, { field });
  };
  for (const [field, v] of [["startedAt", startedAt], ["now", now]] as const) if (!Number.isFinite(v)) fail("sla.invalid_instant", field, `${field} must be an epoch-ms number`);
  if (!(Number.isFinite(targetMs) && targetMs > 0)) fail("sla.invalid_target", "targetMs", "targetMs must be a positive number of milliseconds");
  if (now < startedAt) fail("sla.now_before_start", "now", "now is before the SLA started");
  pauses.forEach((p, i) => {
    const at = `pauses[${i}]`;
    if (!Number.isFinite(p.pausedAt)) fail("sla.invalid_instant", `${at}.pausedAt`, `${at}.pausedAt must be an epoch-ms number`);
    if (p.resumedAt !== null && !Number.isFinite(p.resumedAt)) fail("sla.invalid_instant", `${at}.resumedAt`, `${at}.resumedAt must be an epoch-ms number or null`);
    if (p.pausedAt < startedAt) fail("sla.pause_before_start", `${at}.pausedAt`, `${at} starts before the SLA started`);
    if (p.resumedAt !== null && p.resumedAt < p.pausedAt) fail("sla.pause_resumed_before_paused", `${at}.resumedAt`, `${at} resumes before it pauses`);
    if (Math.max(p.pausedAt, p.resumedAt ?? p.pausedAt) > now) fail("sla.pause_in_future", at, `${at} lies after now`);
    if (i === 0) return;
    const prev = pauses[i - 1];
    if (prev.resumedAt === null) fail("sla.pause_still_open", `pauses[${i - 1}].resumedAt`, `pauses[${i - 1}] never resumed but ${at} follows it; only the last pause may be open`);
    if (p.pausedAt < prev.pausedAt) fail("sla.pauses_unordered", `${at}.pausedAt`, `${at} starts before pauses[${i - 1}]; pauses must be in time order`);
    if (p.pausedAt < prev.resumedAt!) fail("sla.pauses_overlap", `${at}.pausedAt`, `${at} starts before pauses[${i - 1}] resumed`);
  });
}

/** Elapsed, paused and remaining business time, the breach instant and the explanation of an SLA timer. */
export function computeTimer(input: TimerInput): TimerState {
  validateTimerInput(input);
  const { calendar: cal, startedAt, targetMs, pauses, now } = input;
  const explanation: TimerExplanation[] = [];
  let pausedBusinessMs = 0;
  let pausedWallMs = 0;
  for (const p of pauses) {
    const until = p.resumedAt ?? now;
    const businessMs = businessMsBetween(cal, p.pausedAt, until);
    pausedBusinessMs += businessMs;
    pausedWallMs += until - p.pausedAt;
    explanation.push({ kind: "pause", at: p.pausedAt, until: p.resumedAt, businessMs, text: pauseText(p, businessMs, until - p.pausedAt) });
  }
  const elapsedMs = businessMsBetween(cal, startedAt, now) - pausedBusinessMs;
  const paused = pauses.length > 0 && pauses[pauses.length - 1].resumedAt === null;
  const breached = elapsedMs >= targetMs;
  let breachAt: number | null = null;
  if (breached) {
    breachAt = pastBreach(input);
    explanation.push({ kind: "breach", at: breachAt, until: null, businessMs: 0, text: `breached at ${localTime(cal, breachAt)}` });
    explanation.sort((a, b) => a.at - b.at);
  } else if (!paused) breachAt = addBusinessMs(cal, now, targetMs - elapsedMs);
  return { elapsedMs, pausedBusinessMs, pausedWallMs, remainingMs: targetMs - elapsedMs, percent: (elapsedMs / targetMs) * 100, paused, breached, breachAt, explanation };
}

/** The instant the running stretches between pauses used up the target (known to be before now). */
function pastBreach({ calendar: cal, startedAt, targetMs, pauses, now }: TimerInput): number {
  let acc = 0;
  let from = startedAt;
  for (let i = 0; i <= pauses.length; i++) {
    const stop = i < pauses.length ? pauses[i].pausedAt : now;
    const ms = businessMsBetween(cal, from, stop);
    if (acc + ms >= targetMs) return addBusinessMs(cal, from, targetMs - acc);
    acc += ms;
    if (i < pauses.length) from = pauses[i].resumedAt ?? now;
  }
  throw new Error("unreachable: elapsed >= target but no running stretch reached it");
}

function pauseText(p: TimerPause, businessMs: number, wallMs: number): string {
  const soFar = p.resumedAt === null ? " so far" : "";
  const clock = wallMs !== businessMs ? ` (${formatDuration(wallMs)} on the clock)` : "";
  return `paused ${formatDuration(businessMs)}${soFar} while ${p.reason}${clock}`;
}

function localTime(cal: BusinessCalendar, t: number): string {
  return `${DateTime.fromMillis(t, { zone: cal.timeZone }).toFormat("yyyy-MM-dd HH:mm")} ${cal.timeZone}`;
}

/**
 * A duration as people read it: "2h 10m", "45m", "30s", "26h" (hours are not folded into days,
 * which would be ambiguous for business time). Rounded to the minute; under 30 s in seconds.
 */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const minutes = Math.round(ms / 60_000);
  if (minutes === 0) return `${Math.round(ms / 1000)}s`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m}m` : m === 0 ? `${h}h` : `${h}h ${m}m`;
}
