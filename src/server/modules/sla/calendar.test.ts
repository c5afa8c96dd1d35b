import { DateTime, IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import type { CalendarDefinition, Holiday, WeeklyHours } from "../../../contract/index.js";
import {
  addBusinessMs,
  businessMsBetween,
  CALENDAR_24X7,
  compileCalendar,
  isBusinessInstant,
  nextBusinessInstant,
  subtractBusinessMs,
  type BusinessCalendar,
} from "./calendar.js";

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const WEEKDAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** Local wall time in a zone as an instant (luxon's own resolution: only for unambiguous times). */
const at = (zone: string, iso: string) => DateTime.fromISO(iso, { zone }).toMillis();
const office = (zone: string, extra: Partial<CalendarDefinition> = {}): BusinessCalendar =>
  compileCalendar({
    name: "office",
    timeZone: zone,
    hours: Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [{ start: "09:00", end: "17:00" }]])),
    ...extra,
  });

// ---------- the reference: one real minute at a time ----------

/**
 * Working flags of each real minute [from + i min, from + (i+1) min), decided the plain way:
 * ask luxon for the zone's offset at every minute (local wall clock = UTC + offset), keep the
 * highest wall-clock reading seen so far (the clock going back does not take you back into an
 * interval you had left), and look that reading up in the definition. Starts 6 hours early
 * so the running maximum has seen the last reading before any change of the clocks.
 */
function referenceMinutes(def: CalendarDefinition, from: number, minutes: number): Uint8Array {
  const zone = IANAZone.create(def.timeZone);
  const flags = new Uint8Array(minutes);
  let highest = -Infinity;
  for (let i = -6 * 60; i < minutes; i++) {
    const t = from + i * MIN;
    highest = Math.max(highest, t + zone.offset(t) * MIN);
    if (i >= 0) flags[i] = referenceWorking(def, highest) ? 1 : 0;
  }
  return flags;
}

function referenceWorking(def: CalendarDefinition, wall: number): boolean {
  const d = new Date(wall);
  const date = d.toISOString().slice(0, 10);
  const isHoliday = (h: Holiday) =>
    h.kind === "date" ? h.date === date : h.kind === "range" ? h.from <= date && date <= h.to : h.monthDay === date.slice(5);
  if ((def.holidays ?? []).some(isHoliday)) return false;
  const minute = d.getUTCHours() * 60 + d.getUTCMinutes();
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  const weekday = WEEKDAY_KEYS[(d.getUTCDay() + 6) % 7];
  return (def.hours[weekday] ?? []).some((iv) => toMin(iv.start) <= minute && minute < toMin(iv.end));
}

/** prefix[i] = working minutes in the first i minutes. */
function prefixSums(flags: Uint8Array): Int32Array {
  const p = new Int32Array(flags.length + 1);
  for (let i = 0; i < flags.length; i++) p[i + 1] = p[i] + flags[i];
  return p;
}

// ---------- random calendars ----------

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}
type Rng = ReturnType<typeof prng>;

const hhmm = (m: number) => (m === 1440 ? "24:00" : `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);
const isoDay = (t: number, zone: string, plusDays = 0) => DateTime.fromMillis(t, { zone }).plus({ days: plusDays }).toISODate()!;

/** Intervals that straddle the hours clocks change in, and ordinary office patterns. */
const DST_WINDOWS = [[0, 240], [60, 180], [120, 180], [150, 300], [0, 150], [0, 1440], [1320, 1440], [90, 210]];

function randomDay(rng: Rng) {
  const r = rng.next();
  if (r < 0.2) return undefined;
  if (r < 0.45) {
    const [s, e] = rng.pick(DST_WINDOWS);
    return [{ start: hhmm(s), end: hhmm(e) }];
  }
  // 1-3 intervals on a half-hour grid, possibly touching.
  const cuts = new Set<number>();
  const n = rng.int(1, 3) * 2;
  while (cuts.size < n) cuts.add(rng.int(0, 48) * 30);
  const sorted = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < sorted.length; i += 2) out.push({ start: hhmm(sorted[i]), end: hhmm(sorted[i + 1]) });
  if (rng.next() < 0.2 && sorted.length >= 4) out[1] = { start: out[0].end, end: out[1].end }; // touching
  return out;
}

function randomCalendar(rng: Rng, zone: string, from: number, spanDays: number): CalendarDefinition {
  const hours: WeeklyHours = {};
  for (const d of WEEKDAY_KEYS) {
    const day = randomDay(rng);
    if (day) hours[d] = day;
  }
  const holidays: Holiday[] = [];
  for (let i = rng.int(0, 4); i > 0; i--) {
    const d = rng.int(-1, spanDays + 1);
    const k = rng.pick(["date", "range", "yearly"] as const);
    if (k === "date") holidays.push({ kind: "date", date: isoDay(from, zone, d) });
    else if (k === "range") holidays.push({ kind: "range", from: isoDay(from, zone, d), to: isoDay(from, zone, d + rng.int(0, 4)) });
    else holidays.push({ kind: "yearly", monthDay: isoDay(from, zone, d).slice(5) });
  }
  return { name: "random", timeZone: zone, hours, holidays };
}

/** Days around which each zone changes its clocks (2025-2027), where the random spans cluster. */
const ZONES: Record<string, string[]> = {
  "Europe/Berlin": ["2025-03-30", "2025-10-26", "2026-03-29", "2026-10-25", "2027-03-28"],
  "America/New_York": ["2025-03-09", "2025-11-02", "2026-03-08", "2026-11-01", "2027-03-14"],
  "Australia/Sydney": ["2025-04-06", "2025-10-05", "2026-04-05", "2026-10-04", "2027-04-04"],
  "Australia/Lord_Howe": ["2026-04-05", "2026-10-04"], // a 30-minute DST shift
  "America/Santiago": ["2026-04-05", "2026-09-06"], // changes at midnight
  "Asia/Kolkata": ["2026-06-01"], // no DST
  UTC: ["2026-01-01"],
};

function randomStart(rng: Rng, zone: string): number {
  if (rng.next() < 0.7) return at(zone, rng.pick(ZONES[zone])) + rng.int(-5 * 24 * 60, 2 * 24 * 60) * MIN;
  return Date.UTC(2025, 0, 1) + rng.int(0, 3 * 365 * 24 * 60) * MIN;
}

const randomSpanDays = (rng: Rng) => (rng.next() < 0.7 ? rng.int(1, 3) : rng.next() < 0.75 ? rng.int(4, 8) : rng.int(9, 21));

// ---------- properties against the reference ----------

const CASES_PER_ZONE: Record<string, number> = { "Europe/Berlin": 60, "America/New_York": 60, "Australia/Sydney": 50, "Australia/Lord_Howe": 25, "America/Santiago": 25, "Asia/Kolkata": 15, UTC: 15 };
const PAIRS_PER_CASE = 8;

describe("calendar arithmetic against a minute-by-minute reference", () => {
  for (const [zone, cases] of Object.entries(CASES_PER_ZONE)) {
    // The reference asks luxon about every minute: seconds of work, more on a busy machine.
    it(`${cases} random calendars and spans in ${zone}`, { timeout: 180_000 }, () => {
      for (let c = 0; c < cases; c++) {
        const seed = zone.length * 1000 + c;
        const rng = prng(seed);
        const from = randomStart(rng, zone);
        const spanDays = randomSpanDays(rng);
        const def = randomCalendar(rng, zone, from, spanDays);
        const cal = compileCalendar(def);
        const n = spanDays * 24 * 60;
        const flags = referenceMinutes(def, from, n);
        const pre = prefixSums(flags);
        const when = `seed ${seed}, ${zone}, ${JSON.stringify(def)}`;
        const t = (i: number) => from + i * MIN;

        expect(businessMsBetween(cal, t(0), t(n)), when).toBe(pre[n] * MIN);
        for (let k = 0; k < PAIRS_PER_CASE; k++) {
          const i = rng.int(0, n);
          const j = rng.int(i, n);
          const ref = (pre[j] - pre[i]) * MIN;
          expect(businessMsBetween(cal, t(i), t(j)), `between ${i}..${j} ${when}`).toBe(ref);
          expect(businessMsBetween(cal, t(j), t(i))).toBe(ref === 0 ? 0 : -ref);

          // add: the earliest minute boundary where the count reaches ms.
          const ms = rng.int(1, Math.max(1, pre[n] - pre[i])) * MIN;
          if (ms <= (pre[n] - pre[i]) * MIN) {
            let e = i;
            while ((pre[e] - pre[i]) * MIN < ms) e++;
            expect(addBusinessMs(cal, t(i), ms), `add ${ms / MIN}m at ${i} ${when}`).toBe(t(e));
          }
          // subtract: the latest minute boundary from which ms elapse up to j.
          const back = rng.int(1, Math.max(1, pre[j])) * MIN;
          if (back <= pre[j] * MIN) {
            let s = j;
            while ((pre[j] - pre[s]) * MIN < back) s--;
            expect(subtractBusinessMs(cal, t(j), back), `subtract ${back / MIN}m at ${j} ${when}`).toBe(t(s));
            expect(addBusinessMs(cal, t(j), -back)).toBe(t(s));
          }
          // next: the first working minute at or after i.
          let w = i;
          while (w < n && !flags[w]) w++;
          if (w < n) expect(nextBusinessInstant(cal, t(i)), `next at ${i} ${when}`).toBe(t(w));
          expect(isBusinessInstant(cal, t(i))).toBe(i < n && flags[i] === 1);
        }
      }
    });
  }
});

describe("inverse properties", () => {
  it("add(a, between(a, b)) is b, or the end of the last working stretch before b; subtract(b, between(a, b)) is the first working instant at or after a", () => {
    for (let c = 0; c < 200; c++) {
      const rng = prng(7000 + c);
      const zone = rng.pick(Object.keys(ZONES));
      const a = randomStart(rng, zone) + rng.int(0, MIN - 1); // not minute-aligned
      const def = randomCalendar(rng, zone, a, 21);
      const cal = compileCalendar(def);
      const b = a + rng.int(0, 21 * DAY);
      const between = businessMsBetween(cal, a, b);
      const when = `seed ${7000 + c} ${JSON.stringify(def)}`;
      const x = addBusinessMs(cal, a, between);
      const y = subtractBusinessMs(cal, b, between);
      if (between === 0) {
        expect(x, when).toBe(a);
        expect(y, when).toBe(b);
        continue;
      }
      expect(businessMsBetween(cal, a, x), when).toBe(between);
      expect(businessMsBetween(cal, x, b), when).toBe(0);
      if (isBusinessInstant(cal, b - 1)) expect(x, when).toBe(b);
      else expect([x < b, isBusinessInstant(cal, x), isBusinessInstant(cal, x - 1)], when).toEqual([true, false, true]);
      expect(y, when).toBe(nextBusinessInstant(cal, a));
      expect(businessMsBetween(cal, y, b), when).toBe(between);
      // Any split of the span adds up, at any millisecond.
      const m = a + rng.int(0, b - a);
      expect(businessMsBetween(cal, a, m) + businessMsBetween(cal, m, b), when).toBe(between);
    }
  });

  it("over spans of years, whole-week skipping agrees with 3-day steps and add/subtract invert between", () => {
    for (let c = 0; c < 30; c++) {
      const rng = prng(9000 + c);
      const zone = rng.pick(["Europe/Berlin", "America/New_York", "Australia/Sydney"]);
      const a = Date.UTC(2020, 0, 1) + rng.int(0, 10 * 365) * DAY + rng.int(0, DAY);
      const def = randomCalendar(rng, zone, a, 400);
      def.holidays!.push({ kind: "yearly", monthDay: "12-25" }, { kind: "yearly", monthDay: "02-29" }, { kind: "range", from: isoDay(a, zone, 100), to: isoDay(a, zone, 130) });
      const cal = compileCalendar(def);
      const b = a + rng.int(1, 5 * 365) * DAY + rng.int(0, DAY);
      const total = businessMsBetween(cal, a, b);
      let stepped = 0;
      for (let t = a; t < b; t += 3 * DAY) stepped += businessMsBetween(cal, t, Math.min(b, t + 3 * DAY));
      const when = `seed ${9000 + c} ${JSON.stringify(def)}`;
      expect(total, when).toBe(stepped);
      if (total > 0) {
        expect(businessMsBetween(cal, a, addBusinessMs(cal, a, total)), when).toBe(total);
        expect(businessMsBetween(cal, subtractBusinessMs(cal, b, total), b), when).toBe(total);
        const part = rng.int(1, total);
        expect(businessMsBetween(cal, a, addBusinessMs(cal, a, part)), when).toBe(part);
      }
    }
  });
});

// ---------- documented cases ----------

describe("DST semantics (as documented in calendar.ts)", () => {
  const sunday = (zone: string, start: string, end: string) => compileCalendar({ name: "t", timeZone: zone, hours: { sun: [{ start, end }] } });
  /** Business hours on `date` of a calendar working only start-end on that date's weekday. */
  const hoursOn = (zone: string, date: string, start: string, end: string) => {
    const weekday = WEEKDAY_KEYS[DateTime.fromISO(date).weekday - 1];
    const cal = compileCalendar({ name: "t", timeZone: zone, hours: { [weekday]: [{ start, end }] } });
    const noon = at(zone, `${date}T12:00`);
    return businessMsBetween(cal, noon - 20 * H, noon + 20 * H) / H;
  };
  const cases: [string, string, string, string, number][] = [
    ["Europe/Berlin", "2026-03-29", "00:00", "04:00", 3],
    ["Europe/Berlin", "2026-03-29", "02:00", "03:00", 0],
    ["Europe/Berlin", "2026-03-29", "02:30", "05:00", 2],
    ["Europe/Berlin", "2026-03-29", "00:00", "24:00", 23],
    ["Europe/Berlin", "2026-10-25", "00:00", "04:00", 5],
    ["Europe/Berlin", "2026-10-25", "02:00", "03:00", 2],
    ["Europe/Berlin", "2026-10-25", "00:00", "02:30", 2.5],
    ["Europe/Berlin", "2026-10-25", "02:30", "05:00", 3.5],
    ["Europe/Berlin", "2026-10-25", "00:00", "24:00", 25],
    ["America/New_York", "2026-03-08", "00:00", "04:00", 3],
    ["America/New_York", "2026-03-08", "02:00", "03:00", 0],
    ["America/New_York", "2026-11-01", "00:00", "04:00", 5],
    ["America/New_York", "2026-11-01", "01:00", "02:00", 2],
    ["Australia/Sydney", "2026-04-05", "00:00", "04:00", 5],
    ["Australia/Sydney", "2026-10-04", "00:00", "04:00", 3],
    ["Australia/Lord_Howe", "2026-10-04", "00:00", "04:00", 3.5],
    // Chile changes at midnight: Saturday 24:00 becomes 23:00 again (April) or Sunday 01:00 (September).
    ["America/Santiago", "2026-04-04", "22:00", "24:00", 3],
    ["America/Santiago", "2026-04-05", "00:00", "04:00", 4],
    ["America/Santiago", "2026-09-05", "22:00", "24:00", 2],
    ["America/Santiago", "2026-09-06", "00:00", "04:00", 3],
  ];
  for (const [zone, date, s, e, hours] of cases) {
    it(`${zone} ${date} ${s}-${e} counts ${hours} h`, () => expect(hoursOn(zone, date, s, e)).toBe(hours));
  }

  it("a wall time in the skipped hour maps to the moment of the change; a repeated one to its first occurrence", () => {
    const spring = sunday("Europe/Berlin", "02:30", "05:00");
    expect(nextBusinessInstant(spring, Date.UTC(2026, 2, 28, 22))).toBe(Date.UTC(2026, 2, 29, 1)); // 03:00 CEST
    const fall = sunday("Europe/Berlin", "02:30", "05:00");
    expect(nextBusinessInstant(fall, Date.UTC(2026, 9, 24, 22))).toBe(Date.UTC(2026, 9, 25, 0, 30)); // first 02:30 (CEST)
    const ends = sunday("Europe/Berlin", "00:00", "02:30");
    expect(addBusinessMs(ends, Date.UTC(2026, 9, 24, 22), 4 * H)).toBe(Date.UTC(2026, 10, 1, 0, 30)); // 2.5 h that day, 1.5 h next Sunday
  });

  it("24x7 follows real time: 23 h and 25 h days in its zone, and the built-in calendar is plain elapsed time", () => {
    const berlin24 = compileCalendar({ name: "b", timeZone: "Europe/Berlin", hours: Object.fromEntries(WEEKDAY_KEYS.map((d) => [d, [{ start: "00:00", end: "24:00" }]])) });
    const a = Date.UTC(2026, 0, 1, 3, 7, 11, 5);
    const b = Date.UTC(2026, 11, 31);
    expect(businessMsBetween(berlin24, a, b)).toBe(b - a);
    expect(businessMsBetween(CALENDAR_24X7, a, b)).toBe(b - a);
    expect(addBusinessMs(CALENDAR_24X7, a, 5 * H)).toBe(a + 5 * H);
    expect(nextBusinessInstant(CALENDAR_24X7, a)).toBe(a);
  });
});

describe("business time", () => {
  const zone = "Europe/Berlin";
  const split = compileCalendar({ name: "split", timeZone: zone, hours: { mon: [{ start: "13:00", end: "17:00" }, { start: "08:00", end: "12:00" }], tue: [{ start: "08:00", end: "17:00" }] } });

  it("counts split days, lands due times at the end of a working interval and skips to the next one", () => {
    const mon8 = at(zone, "2026-03-02T08:00");
    expect(businessMsBetween(split, mon8, at(zone, "2026-03-03T10:00"))).toBe(10 * H);
    expect(addBusinessMs(split, mon8, 4 * H)).toBe(at(zone, "2026-03-02T12:00")); // not 13:00
    expect(addBusinessMs(split, mon8, 4 * H + 1)).toBe(at(zone, "2026-03-02T13:00") + 1);
    expect(addBusinessMs(split, at(zone, "2026-03-03T16:00"), 2 * H)).toBe(at(zone, "2026-03-09T09:00"));
    expect(subtractBusinessMs(split, at(zone, "2026-03-03T09:00"), 2 * H)).toBe(at(zone, "2026-03-02T16:00"));
    expect(subtractBusinessMs(split, at(zone, "2026-03-02T13:00"), 4 * H)).toBe(mon8); // the latest start
    expect(nextBusinessInstant(split, at(zone, "2026-03-02T12:00"))).toBe(at(zone, "2026-03-02T13:00"));
    expect(nextBusinessInstant(split, at(zone, "2026-03-02T12:59"))).toBe(at(zone, "2026-03-02T13:00"));
    expect(nextBusinessInstant(split, at(zone, "2026-03-02T11:59"))).toBe(at(zone, "2026-03-02T11:59"));
    expect(isBusinessInstant(split, at(zone, "2026-03-02T17:00"))).toBe(false);
  });

  it("treats single, range and yearly holidays as whole local days off, 02-29 only in leap years", () => {
    const cal = office(zone, {
      holidays: [
        { kind: "date", date: "2026-04-03" },
        { kind: "range", from: "2026-12-24", to: "2027-01-01", name: "Year end" },
        { kind: "yearly", monthDay: "05-01" },
        { kind: "yearly", monthDay: "02-29" },
      ],
    });
    expect(businessMsBetween(cal, at(zone, "2026-03-30T00:00"), at(zone, "2026-04-06T00:00"))).toBe(4 * 8 * H);
    expect(nextBusinessInstant(cal, at(zone, "2026-12-23T18:00"))).toBe(at(zone, "2027-01-04T09:00"));
    expect(isBusinessInstant(cal, at(zone, "2026-05-01T10:00"))).toBe(false); // a Friday
    expect(isBusinessInstant(cal, at(zone, "2027-05-01T10:00"))).toBe(false); // a Saturday anyway
    expect(isBusinessInstant(cal, at(zone, "2028-02-29T10:00"))).toBe(false); // leap-year Tuesday
    expect(isBusinessInstant(cal, at(zone, "2027-03-01T10:00"))).toBe(true);
    // 2026: 261 weekdays, minus 04-03, 05-01, 12-24, 12-25, 12-28..12-31 (02-29 does not exist).
    expect(businessMsBetween(cal, at(zone, "2026-01-01T00:00"), at(zone, "2027-01-01T00:00"))).toBe((261 - 8) * 8 * H);
  });

  it("reads holidays in the calendar's zone, not in UTC", () => {
    const tokyo = office("Asia/Tokyo", { holidays: [{ kind: "date", date: "2026-03-03" }] });
    expect(nextBusinessInstant(tokyo, Date.UTC(2026, 2, 2, 23))).toBe(at("Asia/Tokyo", "2026-03-04T09:00")); // 08:00 Tue in Tokyo
  });

  it("passes over zero-length days: days off, holidays and an interval swallowed by the spring-forward gap", () => {
    const cal = compileCalendar({ name: "z", timeZone: zone, hours: { sun: [{ start: "02:00", end: "03:00" }], mon: [{ start: "09:00", end: "10:00" }] } });
    const sat = at(zone, "2026-03-28T12:00");
    expect(businessMsBetween(cal, sat, at(zone, "2026-03-30T00:00"))).toBe(0);
    expect(nextBusinessInstant(cal, sat)).toBe(at(zone, "2026-03-30T09:00"));
    expect(addBusinessMs(cal, sat, 90 * MIN)).toBe(at(zone, "2026-04-05T02:30"));
  });

  it("handles years at once and a decade of business time", () => {
    const cal = office("America/New_York", { holidays: [{ kind: "yearly", monthDay: "07-04" }, { kind: "yearly", monthDay: "12-25" }] });
    const start = at("America/New_York", "2026-01-05T09:00");
    const due = addBusinessMs(cal, start, 10 * 2000 * H);
    expect(businessMsBetween(cal, start, due)).toBe(10 * 2000 * H);
    expect(isBusinessInstant(cal, due - 1)).toBe(true);
    expect(subtractBusinessMs(cal, due, 10 * 2000 * H)).toBe(start);
  });

  it("returns null or throws a clear error when a calendar has no working time, instead of looping", () => {
    const none = compileCalendar({ name: "Closed", timeZone: zone, hours: {} });
    const t = Date.UTC(2026, 0, 1);
    expect(businessMsBetween(none, t, t + 365 * DAY)).toBe(0);
    expect(nextBusinessInstant(none, t)).toBeNull();
    expect(() => addBusinessMs(none, t, H)).toThrow(/Calendar "Closed" has no working time/);
    expect(() => subtractBusinessMs(none, t, H)).toThrow(expect.objectContaining({ code: "sla.calendar_no_working_time" }));
    // Working hours exist but every day of every year is a holiday.
    const allDays: Holiday[] = [];
    for (let d = 0; d < 366; d++) allDays.push({ kind: "yearly", monthDay: isoDay(Date.UTC(2000, 0, 1), "UTC", d).slice(5) });
    const always = compileCalendar({ name: "Never", timeZone: zone, hours: { mon: [{ start: "09:00", end: "17:00" }] }, holidays: allDays });
    expect(nextBusinessInstant(always, t)).toBeNull();
    expect(() => addBusinessMs(always, t, H)).toThrow(/no working time within 3660 days/);
    // A long closure is not "no working time".
    const closed = office(zone, { holidays: [{ kind: "range", from: "2026-01-01", to: "2028-12-31" }] });
    expect(nextBusinessInstant(closed, t)).toBe(at(zone, "2029-01-01T09:00"));
  });

  it("refuses instants that are not numbers or outside the years 1-9999", () => {
    expect(() => businessMsBetween(split, Number.NaN, 0)).toThrow(expect.objectContaining({ code: "sla.invalid_instant", details: { field: "start" } }));
    expect(() => addBusinessMs(split, 0, Infinity)).toThrow(expect.objectContaining({ code: "sla.invalid_duration", details: { field: "ms" } }));
    expect(() => nextBusinessInstant(split, 1e16)).toThrow(/within the years 1-9999/);
    expect(() => addBusinessMs(split, Date.UTC(9999, 0, 1), 1e6 * H)).toThrow(expect.objectContaining({ code: "sla.out_of_range" }));
  });
});

describe("calendar definitions", () => {
  const base: CalendarDefinition = { name: "Berlin office", timeZone: "Europe/Berlin", hours: { mon: [{ start: "08:00", end: "12:00" }] } };
  const problem = (def: CalendarDefinition) => {
    try {
      compileCalendar(def);
    } catch (err) {
      const e = err as { code: string; message: string; details: { field: string; problems: unknown[] } };
      return { code: e.code, field: e.details.field, message: e.message, count: e.details.problems.length };
    }
    return null;
  };

  it("accepts touching intervals, 24:00 ends and unordered intervals", () => {
    const cal = compileCalendar({ ...base, hours: { mon: [{ start: "13:00", end: "24:00" }, { start: "08:00", end: "13:00" }] } });
    expect(cal.days[0]).toEqual([480, 1440]);
    expect(cal.weeklyMs).toBe(16 * H);
  });

  it("names the field of each mistake", () => {
    expect(problem({ ...base, timeZone: "Europe/Berlinn" })).toMatchObject({ code: "sla.calendar_invalid", field: "timeZone", message: expect.stringContaining("not an IANA time zone") });
    expect(problem({ ...base, hours: { tue: [{ start: "09:00", end: "12:00" }, { start: "11:30", end: "14:00" }] } })).toMatchObject({
      field: "hours.tue[1]",
      message: "hours.tue[1]: hours.tue[1] (11:30-14:00) overlaps hours.tue[0] (09:00-12:00)",
    });
    expect(problem({ ...base, hours: { wed: [{ start: "17:00", end: "09:00" }] } })).toMatchObject({ field: "hours.wed[0].end", message: expect.stringContaining("must be after start 17:00") });
    expect(problem({ ...base, hours: { wed: [{ start: "09:00", end: "09:00" }] } })).toMatchObject({ field: "hours.wed[0].end" });
    expect(problem({ ...base, hours: { thu: [{ start: "24:00", end: "24:00" }] } })).toMatchObject({ field: "hours.thu[0].start" });
    expect(problem({ ...base, hours: { fri: [{ start: "9:00", end: "25:00" }] } })).toMatchObject({ field: "hours.fri[0].start", count: 2 });
    expect(problem({ ...base, hours: { funday: [] } as WeeklyHours })).toMatchObject({ field: "hours.funday" });
    expect(problem({ ...base, holidays: [{ kind: "date", date: "2026-02-29" }] })).toMatchObject({ field: "holidays[0].date" });
    expect(problem({ ...base, holidays: [{ kind: "range", from: "2026-12-31", to: "2026-12-24" }] })).toMatchObject({ field: "holidays[0].to", message: expect.stringContaining("before from") });
    expect(problem({ ...base, holidays: [{ kind: "yearly", monthDay: "04-31" }] })).toMatchObject({ field: "holidays[0].monthDay" });
    expect(problem({ ...base, holidays: [{ kind: "easter" } as unknown as Holiday] })).toMatchObject({ field: "holidays[0].kind" });
    expect(problem({ ...base, name: " " })).toMatchObject({ field: "name" });
    expect(problem({ ...base, holidays: [{ kind: "yearly", monthDay: "02-29" }] })).toBeNull();
  });
});
