/**
 * The SLA clock engine: replays a ticket's history (its moments: creation, field changes,
 * state changes, each with the ticket as it was then) against a definition and says which
 * clocks ran, when each started, paused, resumed, stopped or was cancelled, and why. Pure and
 * deterministic: the same history gives the same clocks, whichever process computes them and
 * however late, which is what makes the timers exact, explainable and safe to recompute.
 */
import { anyHolds, failingConditions, resetValue, type EngineDefinition, type TicketSnapshot } from "./sla.rules.js";

/** The ticket at one moment of its history (epoch ms). */
export interface Moment {
  at: number;
  snap: TicketSnapshot;
}

export interface ClockPause {
  pausedAt: number;
  resumedAt: number | null;
  reason: string;
}

/** One clock a definition ran on the ticket. */
export interface Clock {
  cycle: number;
  startedAt: number;
  pauses: ClockPause[];
  stoppedAt: number | null;
  outcome: "stopped" | "cancelled" | null;
  cancelReason: string | null;
  /** The ticket when the clock started (the report's dimensions). */
  priority: number;
  kind: string;
}

/** Turns a snapshot into the words a pause is explained with, e.g. "On hold (awaiting caller)". */
export type PauseLabel = (snap: TicketSnapshot) => string;

function describeReset(fields: string[], prev: TicketSnapshot, snap: TicketSnapshot): string {
  return fields
    .map((f) => {
      const show = (v: unknown) => (f === "priority" ? `P${v}` : v === null ? "none" : String(v));
      return `${f} changed from ${show(resetValue(f, prev))} to ${show(resetValue(f, snap))}`;
    })
    .join(", ");
}

/** The pause intervals the definition's pause conditions describe over the whole history, up to moment `upTo`. */
function pausesSince(def: EngineDefinition, moments: readonly Moment[], upTo: number, label: PauseLabel): ClockPause[] {
  const out: ClockPause[] = [];
  for (let i = 0; i <= upTo; i++) updatePause(out, def, moments[i], label);
  return out;
}

/** Opens, closes or re-labels the current pause for one moment. */
function updatePause(pauses: ClockPause[], def: EngineDefinition, m: Moment, label: PauseLabel): void {
  const open = pauses.length > 0 && pauses[pauses.length - 1].resumedAt === null ? pauses[pauses.length - 1] : null;
  const holds = anyHolds(def.rules.pauseWhen, m.snap, false);
  if (open && (!holds || open.reason !== label(m.snap))) open.resumedAt = m.at;
  if (holds && (!open || open.resumedAt !== null)) pauses.push({ pausedAt: m.at, resumedAt: null, reason: label(m.snap) });
}

function finish(clock: Clock, at: number, outcome: "stopped" | "cancelled", reason: string | null): void {
  clock.stoppedAt = at;
  clock.outcome = outcome;
  clock.cancelReason = reason;
  const last = clock.pauses[clock.pauses.length - 1];
  if (last && last.resumedAt === null) last.resumedAt = at;
  // A pause that began and ended at the stop instant says nothing.
  if (last && last.pausedAt === at && last.resumedAt === at) clock.pauses.pop();
}

/** Replays the ticket's moments (in time order, the first being its creation) against one definition. */
export function replayDefinition(def: EngineDefinition, moments: readonly Moment[], label: PauseLabel): Clock[] {
  const clocks: Clock[] = [];
  let current: Clock | null = null;
  /** What the ticket was when the last clock stopped ("Resolved"), for the reopen pause's reason. */
  let stoppedAs = "";
  for (let i = 0; i < moments.length; i++) {
    const { at, snap } = moments[i];
    const prev = i > 0 ? moments[i - 1].snap : null;
    const applies = failingConditions(def.rules.appliesTo, snap).length === 0;
    const cancelled = anyHolds(def.rules.cancelWhen, snap, false);
    const stopped = anyHolds(def.rules.stopWhen, snap, false);
    if (current) {
      const resetFields = prev ? def.rules.resetOn.filter((f) => JSON.stringify(resetValue(f, prev)) !== JSON.stringify(resetValue(f, snap))) : [];
      if (!applies) finish(current, at, "cancelled", `no longer applies: ${failingConditions(def.rules.appliesTo, snap).join("; ")}`);
      else if (cancelled) finish(current, at, "cancelled", `ticket ${snap.state}`);
      else if (stopped) {
        finish(current, at, "stopped", null);
        stoppedAs = label(snap);
      }
      else if (resetFields.length) finish(current, at, "cancelled", `reset: ${describeReset(resetFields, prev!, snap)}`);
      else updatePause(current.pauses, def, moments[i], label);
      if (current.outcome) current = null;
      else continue;
    }
    const last = clocks[clocks.length - 1];
    // A reopened ticket was not resolved after all: its resolution clock goes on from where it
    // stopped, and the time it spent resolved counts as a pause ("paused 2h while Resolved").
    if (last && last.outcome === "stopped" && def.target === "resolution" && applies && !cancelled && !stopped && last.stoppedAt !== null) {
      last.pauses.push({ pausedAt: last.stoppedAt, resumedAt: at, reason: stoppedAs || "stopped" });
      last.stoppedAt = null;
      last.outcome = null;
      current = last;
      updatePause(current.pauses, def, moments[i], label);
      continue;
    }
    const mayStart = !last || (last.outcome === "cancelled" && !stopped);
    if (!mayStart || !applies || cancelled || at < def.activeFrom || !anyHolds(def.rules.startWhen, snap, true)) continue;
    const retro = def.rules.retroactiveStart && clocks.length === 0;
    current = {
      cycle: clocks.length + 1,
      startedAt: retro ? moments[0].at : at,
      pauses: retro ? pausesSince(def, moments, i, label) : [],
      stoppedAt: null,
      outcome: null,
      cancelReason: null,
      priority: snap.priority,
      kind: snap.kind,
    };
    clocks.push(current);
    if (stopped) {
      finish(current, at, "stopped", null);
      current = null;
    } else if (!retro) updatePause(current.pauses, def, moments[i], label);
  }
  return clocks;
}
