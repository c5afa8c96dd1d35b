/**
 * Business calendars and business-time arithmetic. All instants are UTC epoch milliseconds;
 * working hours and holidays are wall-clock times and dates in the calendar's IANA time zone.
 *
 * DST semantics. Working time is measured in real elapsed time. The wall-clock time `D hh:mm`
 * maps to the first real instant at which the zone's clock has shown `D hh:mm` or later
 * (formally: the first instant whose running maximum of the local date-time reaches it), and
 * the interval `hh:mm-HH:MM` on date D is every real instant from the start's instant up to,
 * not including, the end's instant. Consequences:
 * - A day is as long as its clock says: a 24x7 day lasts 23 h or 25 h on the change days.
 * - A skipped wall-clock time (spring forward) maps to the moment of the change: on the day
 *   Europe/Berlin jumps 02:00 -> 03:00, 00:00-04:00 counts 3 h, 02:00-03:00 counts nothing
 *   and 02:30-05:00 counts 2 h (03:00 to 05:00 CEST).
 * - A repeated wall-clock time (fall back) maps to its first occurrence, and the repeated
 *   stretch belongs to the interval the clock had reached: on the day Berlin goes back
 *   03:00 -> 02:00, 00:00-04:00 counts 5 h, 02:00-03:00 counts 2 h (both passes), 00:00-02:30
 *   ends at the first 02:30 and 02:30-05:00 counts 3 h 30 m.
 * Intervals that touch (12:00-13:00 and 13:00-14:00, or Mon 22:00-24:00 and Tue 00:00-02:00)
 * therefore tile real time with no gap and no overlap in every zone and on every day.
 *
 * Offsets come from luxon (the runtime's tz data), sampled once a day per zone and year and
 * cached for the process, then bisected to the exact millisecond of each change. The one
 * assumption: a zone never changes its offset and changes it back within 24 hours.
 */
import { IANAZone } from "luxon";
import { WEEKDAYS, type CalendarDefinition } from "../../../contract/index.js";
import { ValidationError } from "../../platform/errors.js";

import { DAY, MINUTE, HolidaySet, civilFromDays, daysFromCivil, lowerBound, parseDate, weekdayOf } from "./calendar.dates.js";
import { ZoneTimeline } from "./calendar.zone.js";

export { HolidaySet } from "./calendar.dates.js";
export { ZoneTimeline } from "./calendar.zone.js";

const WEEK = 7 * DAY;
/** A search for the next working time gives up after this many consecutive days without any. */
export const MAX_IDLE_DAYS = 3660;
// Days 0001-01-01 .. 9999-12-31 since 1970-01-01; instants outside are refused, not looped over.
const MIN_DAY = -719_162;
const MAX_DAY = 2_932_896;

/** A validated calendar ready for arithmetic; build it with compileCalendar. */
export interface BusinessCalendar {
  readonly name: string;
  readonly timeZone: string;
  readonly definition: CalendarDefinition;
  /** Working time of a week with no holiday and no offset change (0: the calendar never works). */
  readonly weeklyMs: number;
  /** Merged intervals per weekday (0 = Monday) as minute pairs [start, end, start, end, ...]. */
  readonly days: readonly (readonly number[])[];
  /** Every day 00:00-24:00 and no holidays: business time is plain elapsed time. */
  readonly alwaysWorking: boolean;
  readonly holidays: HolidaySet;
  readonly zone: ZoneTimeline;
}

/** One problem in a calendar definition; `field` is a path such as `hours.mon[1].end`. */
export interface CalendarProblem {
  field: string;
  message: string;
}

// ---------- definitions ----------

const TIME = /^(\d{2}):(\d{2})$/;

function minutesOf(s: unknown, allow24: boolean): number | null {
  const m = typeof s === "string" ? TIME.exec(s) : null;
  if (!m) return null;
  const v = +m[1] * 60 + +m[2];
  return +m[2] < 60 && (v < 1440 || (allow24 && v === 1440)) ? v : null;
}

/** Every problem in a definition (empty when it is valid): overlaps, bad times, dates or zone. */
export function calendarProblems(def: CalendarDefinition): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ field, message });
  if (typeof def?.name !== "string" || def.name.trim() === "") bad("name", "name must be a non-empty string");
  if (typeof def?.timeZone !== "string" || !IANAZone.isValidZone(def.timeZone)) bad("timeZone", `"${def?.timeZone}" is not an IANA time zone such as Europe/Berlin`);
  const hours = (def?.hours ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(hours)) if (!(WEEKDAYS as readonly string[]).includes(key)) bad(`hours.${key}`, `"${key}" is not a weekday (mon..sun)`);
  for (const wd of WEEKDAYS) {
    const list = hours[wd];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      bad(`hours.${wd}`, "must be a list of {start, end} intervals");
      continue;
    }
    const parsed: { s: number; e: number; at: string; text: string }[] = [];
    list.forEach((iv: { start?: unknown; end?: unknown }, i) => {
      const at = `hours.${wd}[${i}]`;
      const s = minutesOf(iv?.start, false);
      const e = minutesOf(iv?.end, true);
      if (s === null) bad(`${at}.start`, `start "${iv?.start}" is not a time HH:MM between 00:00 and 23:59`);
      if (e === null) bad(`${at}.end`, `end "${iv?.end}" is not a time HH:MM between 00:00 and 24:00`);
      if (s === null || e === null) return;
      if (e <= s) bad(`${at}.end`, `end ${iv.end} must be after start ${iv.start}`);
      else parsed.push({ s, e, at, text: `${iv.start}-${iv.end}` });
    });
    parsed.sort((a, b) => a.s - b.s);
    for (let i = 1; i < parsed.length; i++) {
      const [p, q] = [parsed[i - 1], parsed[i]];
      if (q.s < p.e) bad(q.at, `${q.at} (${q.text}) overlaps ${p.at} (${p.text})`);
    }
  }
  const holidays = def?.holidays ?? [];
  if (!Array.isArray(holidays)) bad("holidays", "must be a list");
  else
    holidays.forEach((h, i) => {
      const at = `holidays[${i}]`;
      if (h?.kind === "date") {
        if (parseDate(h.date) === null) bad(`${at}.date`, `"${h.date}" is not a date YYYY-MM-DD`);
      } else if (h?.kind === "range") {
        const [from, to] = [parseDate(h.from), parseDate(h.to)];
        if (from === null) bad(`${at}.from`, `"${h.from}" is not a date YYYY-MM-DD`);
        if (to === null) bad(`${at}.to`, `"${h.to}" is not a date YYYY-MM-DD`);
        if (from !== null && to !== null && to < from) bad(`${at}.to`, `to ${h.to} is before from ${h.from}`);
      } else if (h?.kind === "yearly") {
        if (parseDate(`2000-${h.monthDay}`) === null) bad(`${at}.monthDay`, `"${h.monthDay}" is not a day of the year MM-DD`);
      } else bad(`${at}.kind`, `kind must be date, range or yearly`);
    });
  return problems;
}

/** Validates a definition and prepares it for arithmetic; throws a ValidationError naming the field. */
export function compileCalendar(def: CalendarDefinition): BusinessCalendar {
  const problems = calendarProblems(def);
  if (problems.length) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    throw new ValidationError("sla.calendar_invalid", `${problems[0].field}: ${problems[0].message}${more}`, { field: problems[0].field, problems });
  }
  const days = WEEKDAYS.map((wd) => {
    const ivs = (def.hours[wd] ?? []).map((iv) => [minutesOf(iv.start, false)!, minutesOf(iv.end, true)!]).sort((a, b) => a[0] - b[0]);
    const merged: number[] = [];
    for (const [s, e] of ivs) {
      if (merged.length && merged[merged.length - 1] === s) merged[merged.length - 1] = e;
      else merged.push(s, e);
    }
    return merged;
  });
  const singles = new Set<number>();
  const ranges: [number, number][] = [];
  const yearly = new Set<number>();
  for (const h of def.holidays ?? []) {
    if (h.kind === "date") singles.add(parseDate(h.date)!);
    else if (h.kind === "range") ranges.push([parseDate(h.from)!, parseDate(h.to)!]);
    else yearly.add(+h.monthDay.slice(0, 2) * 100 + +h.monthDay.slice(3));
  }
  const holidays = new HolidaySet([...singles].sort((a, b) => a - b), ranges.sort((a, b) => a[0] - b[0]), [...yearly]);
  const weeklyMs = days.reduce((sum, d) => sum + d.reduce((s, v, i) => s + (i % 2 ? v - d[i - 1] : 0), 0), 0) * MINUTE;
  return Object.freeze({
    name: def.name,
    timeZone: def.timeZone,
    definition: def,
    weeklyMs,
    days,
    alwaysWorking: holidays.empty && days.every((d) => d.length === 2 && d[0] === 0 && d[1] === 1440),
    holidays,
    zone: ZoneTimeline.of(def.timeZone),
  });
}

/** The built-in calendar that always works: business time equals elapsed time. */
export const CALENDAR_24X7: BusinessCalendar = compileCalendar({
  name: "24x7",
  timeZone: "UTC",
  hours: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ start: "00:00", end: "24:00" }]])),
});

// ---------- arithmetic ----------

interface Walk {
  consumed: number;
  /** Where the budget ran out, `limit` if that came first, null if no working time was found. */
  at: number | null;
}

/**
 * Walks the working time from `from` toward `limit` (forward when dir is 1), one local day at a
 * time and whole weeks at once where no holiday or offset change is near, until `budget` ms are
 * consumed. Forward the budget runs out at the earliest instant it can, backward at the latest.
 */
function walk(cal: BusinessCalendar, from: number, dir: 1 | -1, limit: number, budget: number): Walk {
  const { zone, days, holidays } = cal;
  let consumed = 0;
  let idle = 0;
  let day = zone.wallDay(from) + (dir === 1 ? 0 : 1); // the clock may have gone back across midnight
  let nextSkipTry = day + dir;
  for (;;) {
    if (day < MIN_DAY || day > MAX_DAY) throw new ValidationError("sla.out_of_range", "Business time reaches beyond the years 1-9999", { field: "ms" });
    if (dir === 1 ? zone.wallToInstant(day * DAY) >= limit : zone.wallToInstant((day + 1) * DAY) <= limit) return { consumed, at: limit };
    if ((day - nextSkipTry) * dir >= 0) {
      const weeks = skippableWeeks(cal, day, dir, from, limit, budget - consumed);
      if (weeks > 0) {
        consumed += weeks * cal.weeklyMs;
        day += dir * 7 * weeks;
        idle = 0;
        continue;
      }
      nextSkipTry = day + dir * 7; // something is in the way this week: look again next week
    }
    const iv = days[weekdayOf(day)];
    if (iv.length === 0 || holidays.has(day)) {
      if (++idle > MAX_IDLE_DAYS && !Number.isFinite(limit)) return { consumed, at: null };
      day += dir;
      continue;
    }
    idle = 0;
    const base = day * DAY;
    for (let k = dir === 1 ? 0 : iv.length - 2; k >= 0 && k < iv.length; k += 2 * dir) {
      const s = Math.max(zone.wallToInstant(base + iv[k] * MINUTE), dir === 1 ? from : limit);
      const e = Math.min(zone.wallToInstant(base + iv[k + 1] * MINUTE), dir === 1 ? limit : from);
      if (e <= s) continue;
      if (consumed + (e - s) >= budget) return { consumed: budget, at: dir === 1 ? s + (budget - consumed) : e - (budget - consumed) };
      consumed += e - s;
    }
    day += dir;
  }
}

/**
 * How many whole weeks starting at `day` (forward) or ending at it (backward) can be counted
 * as weeklyMs each: inside [from, limit], no holiday, one UTC offset throughout (from a day
 * before to the end, so every wall time of the weeks maps to wall minus that offset), and
 * leaving budget to consume after them.
 */
function skippableWeeks(cal: BusinessCalendar, day: number, dir: 1 | -1, from: number, limit: number, budgetLeft: number): number {
  if (cal.weeklyMs === 0) return 0;
  let weeks = Math.floor((budgetLeft - 1) / cal.weeklyMs);
  if (dir === 1) {
    const seg = cal.zone.segment(day * DAY - 2 * DAY);
    const first = day * DAY - seg.offset;
    if (first < from) return 0;
    weeks = Math.min(weeks, Math.floor((seg.end - 1 - first) / WEEK), Math.floor((limit - first) / WEEK));
    return Math.max(0, Math.min(weeks, Math.floor((cal.holidays.nextOnOrAfter(day) - day) / 7)));
  }
  const seg = cal.zone.segment((day + 2) * DAY);
  const last = (day + 1) * DAY - seg.offset;
  if (last > from) return 0;
  weeks = Math.min(weeks, Math.floor((last - DAY - seg.start) / WEEK), Math.floor((last - limit) / WEEK));
  return Math.max(0, Math.min(weeks, Math.floor((day - cal.holidays.prevOnOrBefore(day)) / 7)));
}

function instant(t: number, field: string): number {
  if (!Number.isFinite(t)) throw new ValidationError("sla.invalid_instant", `${field} must be a finite epoch-ms number, got ${t}`, { field });
  if (t < MIN_DAY * DAY || t >= (MAX_DAY + 1) * DAY) throw new ValidationError("sla.invalid_instant", `${field} must lie within the years 1-9999`, { field });
  return t;
}

function duration(ms: number): number {
  if (!Number.isFinite(ms)) throw new ValidationError("sla.invalid_duration", `ms must be a finite number of milliseconds, got ${ms}`, { field: "ms" });
  return ms;
}

function noWorkingTime(cal: BusinessCalendar): ValidationError {
  return new ValidationError("sla.calendar_no_working_time", `Calendar "${cal.name}" has no working time within ${MAX_IDLE_DAYS} days`, { field: "hours" });
}

/** Business time between two instants; negative when end is before start. */
export function businessMsBetween(cal: BusinessCalendar, start: number, end: number): number {
  instant(start, "start");
  instant(end, "end");
  if (end < start) return 0 - businessMsBetween(cal, end, start) || 0; // never -0
  if (end === start || cal.weeklyMs === 0) return 0;
  if (cal.alwaysWorking) return end - start;
  return walk(cal, start, 1, end, Infinity).consumed;
}

/**
 * The earliest instant by which `ms` of business time has elapsed after `start` (a due or breach
 * time): it lies inside working time or at the end of a working interval, never at the start
 * of the next one. `ms` 0 gives `start`; a negative `ms` subtracts.
 */
export function addBusinessMs(cal: BusinessCalendar, start: number, ms: number): number {
  instant(start, "start");
  duration(ms);
  if (ms < 0) return subtractBusinessMs(cal, start, -ms);
  if (ms === 0) return start;
  if (cal.alwaysWorking) return start + ms;
  if (cal.weeklyMs === 0) throw noWorkingTime(cal);
  const { at } = walk(cal, start, 1, Infinity, ms);
  if (at === null) throw noWorkingTime(cal);
  return at;
}

/** The latest instant from which `ms` of business time elapses up to `end`; it may be the start of a working interval. */
export function subtractBusinessMs(cal: BusinessCalendar, end: number, ms: number): number {
  instant(end, "end");
  duration(ms);
  if (ms < 0) return addBusinessMs(cal, end, -ms);
  if (ms === 0) return end;
  if (cal.alwaysWorking) return end - ms;
  if (cal.weeklyMs === 0) throw noWorkingTime(cal);
  const { at } = walk(cal, end, -1, -Infinity, ms);
  if (at === null) throw noWorkingTime(cal);
  return at;
}

/** `t` itself when it is working time, else the start of the next working interval; null when there is none. */
export function nextBusinessInstant(cal: BusinessCalendar, t: number): number | null {
  instant(t, "t");
  if (cal.alwaysWorking) return t;
  if (cal.weeklyMs === 0) return null;
  return walk(cal, t, 1, Infinity, 0).at;
}

/** Whether `t` is working time (interval starts count, interval ends do not). */
export function isBusinessInstant(cal: BusinessCalendar, t: number): boolean {
  return nextBusinessInstant(cal, t) === t;
}
