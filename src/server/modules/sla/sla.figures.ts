/**
 * The figures of one clock at a moment: elapsed and paused business time, percentage, state,
 * planned or actual breach, when each warning threshold is (or was) crossed, and the whole
 * story in words. Built on the timer engine (timer.ts); pure.
 */
import type { SlaHistoryEntry, TicketSlaState } from "../../../contract/index.js";
import type { BusinessCalendar } from "./calendar.js";
import { computeTimer, formatDuration, type TimerPause } from "./timer.js";
import type { Clock } from "./sla.replay.js";

export interface Milestone {
  /** Warning threshold in percent; 100 is the breach. */
  percent: number;
  /** When it is (planned) or was crossed; null while paused before crossing. */
  at: number | null;
  crossed: boolean;
}

export interface ClockFigures {
  state: TicketSlaState;
  breached: boolean;
  /** Planned breach while running, the actual one once breached, null while paused. */
  dueAt: number | null;
  breachedAt: number | null;
  elapsedMs: number;
  pausedMs: number;
  remainingMs: number;
  percent: number;
  /** Warnings then the breach, in threshold order. */
  milestones: Milestone[];
  /** The first milestone not yet crossed while the clock runs (when to look again). */
  nextCheckAt: number | null;
  pauses: Array<TimerPause & { businessMs: number; text: string }>;
  history: SlaHistoryEntry[];
  explanation: string;
}

const iso = (t: number) => new Date(t).toISOString();

/** The clock's figures as of `now` (a stopped clock is measured at its stop). */
export function clockFigures(clock: Clock, cal: BusinessCalendar, targetMs: number, warnings: readonly number[], now: number): ClockFigures {
  const end = clock.stoppedAt ?? Math.max(now, clock.startedAt, ...clock.pauses.map((p) => p.resumedAt ?? p.pausedAt));
  const pauses = clock.pauses.filter((p) => p.pausedAt <= end).map((p) => ({ ...p, resumedAt: p.resumedAt !== null && p.resumedAt > end ? null : p.resumedAt }));
  const timer = computeTimer({ calendar: cal, startedAt: clock.startedAt, targetMs, pauses, now: end });
  const running = clock.outcome === null;
  const milestones: Milestone[] = [...warnings.map((percent) => ({ percent, ms: Math.max(1, Math.round((targetMs * percent) / 100)) })), { percent: 100, ms: targetMs }].map(({ percent, ms }) => {
    if (percent === 100) return { percent, at: timer.breachAt, crossed: timer.breached };
    const t = computeTimer({ calendar: cal, startedAt: clock.startedAt, targetMs: ms, pauses, now: end });
    return { percent, at: t.breached || running ? t.breachAt : null, crossed: t.breached };
  });
  const breachedAt = timer.breached ? timer.breachAt : null;
  const state: TicketSlaState = clock.outcome === "cancelled" ? "cancelled" : timer.breached ? "breached" : clock.outcome === "stopped" ? "achieved" : timer.paused ? "paused" : "in_progress";
  const next = running && !timer.paused ? milestones.find((m) => !m.crossed && m.at !== null) : undefined;
  const pauseDetails = timer.explanation.filter((e) => e.kind === "pause").map((e, i) => ({ ...pauses[i], businessMs: e.businessMs, text: e.text }));
  return {
    state,
    breached: timer.breached,
    dueAt: timer.breachAt,
    breachedAt,
    elapsedMs: timer.elapsedMs,
    pausedMs: timer.pausedBusinessMs,
    remainingMs: timer.remainingMs,
    percent: timer.percent,
    milestones,
    nextCheckAt: next?.at ?? null,
    pauses: pauseDetails,
    history: history(clock, milestones, pauseDetails),
    explanation: explain(clock, state, timer.elapsedMs, targetMs, pauseDetails.map((p) => p.text), breachedAt),
  };
}

function history(clock: Clock, milestones: Milestone[], pauses: ClockFigures["pauses"]): SlaHistoryEntry[] {
  const out: SlaHistoryEntry[] = [{ type: "started", at: iso(clock.startedAt), text: clock.cycle > 1 ? `restarted (cycle ${clock.cycle})` : "started", percent: null }];
  for (const p of pauses) {
    out.push({ type: "paused", at: iso(p.pausedAt), text: `paused while ${p.reason}`, percent: null });
    if (p.resumedAt !== null && p.resumedAt !== clock.stoppedAt) out.push({ type: "resumed", at: iso(p.resumedAt), text: `resumed after ${p.text.replace(/^paused /, "")}`, percent: null });
  }
  for (const m of milestones) {
    if (!m.crossed || m.at === null) continue;
    out.push(m.percent === 100 ? { type: "breached", at: iso(m.at), text: "target used up: breached", percent: 100 } : { type: "warning", at: iso(m.at), text: `${m.percent}% of the target used`, percent: m.percent });
  }
  if (clock.stoppedAt !== null) {
    out.push(
      clock.outcome === "cancelled"
        ? { type: "cancelled", at: iso(clock.stoppedAt), text: `cancelled: ${clock.cancelReason}`, percent: null }
        : { type: "achieved", at: iso(clock.stoppedAt), text: milestones[milestones.length - 1].crossed ? "stopped after the breach" : "achieved within target", percent: null },
    );
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

function explain(clock: Clock, state: TicketSlaState, elapsedMs: number, targetMs: number, pauseTexts: string[], breachedAt: number | null): string {
  const parts = [`${formatDuration(elapsedMs)} of ${formatDuration(targetMs)} used`];
  if (pauseTexts.length) parts.push(pauseTexts.join(", "));
  if (breachedAt !== null) parts.push(`breached at ${iso(breachedAt)}`);
  if (state === "achieved") parts.push("achieved");
  if (state === "cancelled") parts.push(`cancelled (${clock.cancelReason})`);
  return parts.join("; ");
}
