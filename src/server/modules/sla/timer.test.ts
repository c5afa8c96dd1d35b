import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { businessMsBetween, compileCalendar } from "./calendar.js";
import { computeTimer, formatDuration, type TimerInput, type TimerPause } from "./timer.js";

const MIN = 60_000;
const H = 60 * MIN;
const zone = "Europe/Berlin";
const at = (iso: string) => DateTime.fromISO(iso, { zone }).toMillis();
const calendar = compileCalendar({
  name: "Berlin office",
  timeZone: zone,
  hours: Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [{ start: "09:00", end: "17:00" }]])),
  holidays: [{ kind: "date", date: "2026-03-06" }],
});
const pause = (from: string, to: string | null, reason = "On hold (awaiting caller)"): TimerPause => ({ pausedAt: at(from), resumedAt: to === null ? null : at(to), reason });
const timer = (over: Partial<TimerInput>) => computeTimer({ calendar, startedAt: at("2026-03-02T09:00"), targetMs: 8 * H, pauses: [], now: at("2026-03-02T09:00"), ...over });

describe("SLA timer", () => {
  it("counts business time only and plans the breach at the end of the target", () => {
    const t = timer({ startedAt: at("2026-03-02T10:00"), now: at("2026-03-02T15:00") });
    expect(t).toMatchObject({ elapsedMs: 5 * H, remainingMs: 3 * H, percent: 62.5, paused: false, breached: false, pausedBusinessMs: 0, pausedWallMs: 0, explanation: [] });
    expect(t.breachAt).toBe(at("2026-03-03T10:00"));
    // Exactly a working day from 09:00: due at 17:00 that day, not 09:00 the next.
    expect(timer({}).breachAt).toBe(at("2026-03-02T17:00"));
  });

  it("subtracts pauses, shifts the breach by their business time and explains each one", () => {
    const t = timer({
      pauses: [pause("2026-03-02T11:00", "2026-03-02T13:10"), pause("2026-03-02T16:00", "2026-03-03T10:00", "On hold (awaiting vendor)")],
      now: at("2026-03-03T12:00"),
    });
    // 11 h of business time since Monday 09:00, of which 2h 10m + 2h paused.
    expect(t).toMatchObject({ elapsedMs: 6 * H + 50 * MIN, pausedBusinessMs: 4 * H + 10 * MIN, pausedWallMs: 20 * H + 10 * MIN, remainingMs: 70 * MIN, paused: false, breached: false });
    expect(t.breachAt).toBe(at("2026-03-03T13:10"));
    expect(t.explanation.map((e) => e.text)).toEqual([
      "paused 2h 10m while On hold (awaiting caller)",
      "paused 2h while On hold (awaiting vendor) (18h on the clock)",
    ]);
    expect(t.explanation[1]).toMatchObject({ kind: "pause", at: at("2026-03-02T16:00"), until: at("2026-03-03T10:00"), businessMs: 2 * H });
  });

  it("while paused: keeps counting the pause, has no planned breach yet, and resuming sets one", () => {
    const open = timer({ pauses: [pause("2026-03-02T12:00", null, "On hold (awaiting vendor)")], now: at("2026-03-02T13:30") });
    expect(open).toMatchObject({ elapsedMs: 3 * H, pausedBusinessMs: 90 * MIN, paused: true, breached: false, breachAt: null });
    expect(open.explanation).toEqual([{ kind: "pause", at: at("2026-03-02T12:00"), until: null, businessMs: 90 * MIN, text: "paused 1h 30m so far while On hold (awaiting vendor)" }]);
    const resumed = timer({ pauses: [pause("2026-03-02T12:00", "2026-03-02T13:30")], now: at("2026-03-02T13:30") });
    expect(resumed.breachAt).toBe(at("2026-03-03T10:30"));
  });

  it("finds a past breach between pauses and lists it in time order", () => {
    // Friday 2026-03-06 is a holiday: the clock runs Mon, Tue, then Mon 9th after a pause.
    const t = timer({
      pauses: [pause("2026-03-02T13:00", "2026-03-04T09:00"), pause("2026-03-05T09:00", "2026-03-05T09:30", "Awaiting change window")],
      now: at("2026-03-05T12:00"),
    });
    // Mon 4 h, pause, Wed 8 h -> target reached Wed 13:00.
    expect(t).toMatchObject({ breached: true, breachAt: at("2026-03-04T13:00"), elapsedMs: 4 * H + 8 * H + 2.5 * H, remainingMs: -6.5 * H });
    expect(t.percent).toBeCloseTo(181.25, 10);
    expect(t.explanation.map((e) => e.kind)).toEqual(["pause", "breach", "pause"]);
    expect(t.explanation[1].text).toBe("breached at 2026-03-04 13:00 Europe/Berlin");
    // Stays breached (and its breach time stays put) while paused afterwards.
    const later = timer({ pauses: [pause("2026-03-02T13:00", "2026-03-04T09:00"), pause("2026-03-05T09:00", null)], now: at("2026-03-09T12:00") });
    expect(later).toMatchObject({ paused: true, breached: true, breachAt: at("2026-03-04T13:00") });
  });

  it("agrees with the calendar for random pause sequences", () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let c = 0; c < 200; c++) {
      const startedAt = at("2026-03-02T00:00") + Math.floor(rand() * 14 * 24) * H + Math.floor(rand() * 60) * MIN;
      const pauses: TimerPause[] = [];
      let t = startedAt;
      for (let k = Math.floor(rand() * 6); k > 0; k--) {
        const pausedAt = t + Math.floor(rand() * 30 * H);
        const resumedAt = pausedAt + Math.floor(rand() * 20 * H);
        pauses.push({ pausedAt, resumedAt, reason: `reason ${k}` });
        t = resumedAt;
      }
      const now = t + Math.floor(rand() * 40 * H);
      if (rand() < 0.3 && pauses.length) pauses[pauses.length - 1].resumedAt = null;
      const targetMs = (1 + Math.floor(rand() * 24)) * H;
      const r = computeTimer({ calendar, startedAt, targetMs, pauses, now });
      const when = JSON.stringify({ startedAt, targetMs, pauses, now });
      expect(r.elapsedMs + r.pausedBusinessMs, when).toBe(businessMsBetween(calendar, startedAt, now));
      if (r.breachAt !== null) {
        // At the breach instant the running (unpaused) business time equals the target exactly.
        const pausedBefore = pauses.reduce((s, p) => s + Math.max(0, businessMsBetween(calendar, p.pausedAt, Math.min(p.resumedAt ?? now, r.breachAt!))), 0);
        expect(businessMsBetween(calendar, startedAt, r.breachAt) - pausedBefore, when).toBe(targetMs);
        expect(r.breached, when).toBe(r.breachAt <= now);
      } else expect(r.paused && !r.breached, when).toBe(true);
    }
  });

  it("rejects pause lists that do not describe one clock", () => {
    const fails = (pauses: TimerPause[], over: Partial<TimerInput> = {}) => {
      try {
        timer({ pauses, now: at("2026-03-05T12:00"), ...over });
      } catch (err) {
        const e = err as { code: string; details: { field: string } };
        return [e.code, e.details.field];
      }
      return null;
    };
    expect(fails([pause("2026-03-02T12:00", "2026-03-02T14:00"), pause("2026-03-02T13:00", "2026-03-02T15:00")])).toEqual(["sla.pauses_overlap", "pauses[1].pausedAt"]);
    expect(fails([pause("2026-03-03T12:00", "2026-03-03T14:00"), pause("2026-03-02T10:00", "2026-03-02T11:00")])).toEqual(["sla.pauses_unordered", "pauses[1].pausedAt"]);
    expect(fails([pause("2026-03-02T12:00", null), pause("2026-03-03T10:00", "2026-03-03T11:00")])).toEqual(["sla.pause_still_open", "pauses[0].resumedAt"]);
    expect(fails([pause("2026-03-02T12:00", "2026-03-02T11:00")])).toEqual(["sla.pause_resumed_before_paused", "pauses[0].resumedAt"]);
    expect(fails([pause("2026-03-01T12:00", "2026-03-02T11:00")])).toEqual(["sla.pause_before_start", "pauses[0].pausedAt"]);
    expect(fails([pause("2026-03-05T11:00", "2026-03-05T13:00")])).toEqual(["sla.pause_in_future", "pauses[0]"]);
    expect(fails([], { targetMs: 0 })).toEqual(["sla.invalid_target", "targetMs"]);
    expect(fails([], { now: at("2026-03-01T12:00") })).toEqual(["sla.now_before_start", "now"]);
    expect(fails([], { startedAt: Number.NaN })).toEqual(["sla.invalid_instant", "startedAt"]);
    // Touching pauses (a reason change) are one clock.
    expect(fails([pause("2026-03-02T12:00", "2026-03-02T13:00"), pause("2026-03-02T13:00", "2026-03-02T14:00", "Awaiting vendor")])).toBeNull();
  });
});

describe("formatDuration", () => {
  it("writes hours and minutes the way people read them", () => {
    const cases: [number, string][] = [
      [0, "0s"],
      [29_400, "29s"],
      [30_000, "1m"],
      [45 * MIN, "45m"],
      [2 * H, "2h"],
      [2 * H + 10 * MIN + 20_000, "2h 10m"],
      [2 * H + 9 * MIN + 59_000, "2h 10m"],
      [26 * H + 5 * MIN, "26h 5m"],
      [-(90 * MIN), "-1h 30m"],
    ];
    for (const [ms, text] of cases) expect(formatDuration(ms), String(ms)).toBe(text);
  });
});
