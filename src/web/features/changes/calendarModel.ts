/**
 * Date arithmetic and layout of the change calendar, kept apart from the rendering: the range
 * a month or week view shows, the weeks of a month grid, and where each change's bar goes.
 * Days are local days (the viewer's time zone); arithmetic goes through setDate so that a
 * daylight-saving shift never moves a day boundary.
 */

export type CalendarView = "month" | "week";

export interface Span {
  start: string;
  end: string;
}

/** A change's (or blackout's) piece inside one week row of the month grid. */
export interface WeekSegment<T> {
  item: T;
  /** First day column (0 = Monday). */
  column: number;
  /** Number of day columns covered. */
  span: number;
  /** Row inside the week, so that overlapping bars do not cover each other. */
  lane: number;
  /** The bar started before this week / goes on after it. */
  continuesBefore: boolean;
  continuesAfter: boolean;
}

/** Midnight of the given date's local day. */
export function startOfDay(date: Date): Date {
  const day = new Date(date);
  day.setHours(0, 0, 0, 0);
  return day;
}

/** The date `days` local days later (or earlier when negative), at the same time of day. */
export function addDays(date: Date, days: number): Date {
  const next = new Date(date);
  next.setDate(next.getDate() + days);
  return next;
}

/** Monday 00:00 of the date's week. */
export function startOfWeek(date: Date): Date {
  const day = startOfDay(date);
  return addDays(day, -((day.getDay() + 6) % 7));
}

/** The first and last instant a view shows: a week, or the whole weeks around a month. */
export function rangeOf(view: CalendarView, anchor: Date): { from: Date; to: Date } {
  if (view === "week") {
    const from = startOfWeek(anchor);
    return { from, to: addDays(from, 7) };
  }
  const first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
  const from = startOfWeek(first);
  const next = new Date(anchor.getFullYear(), anchor.getMonth() + 1, 1);
  let to = addDays(from, 28);
  while (to < next) to = addDays(to, 7);
  return { from, to };
}

/** The anchor one page before or after (a month or a week). */
export function shift(view: CalendarView, anchor: Date, direction: 1 | -1): Date {
  if (view === "week") return addDays(anchor, 7 * direction);
  return new Date(anchor.getFullYear(), anchor.getMonth() + direction, 1);
}

/** The days of the range, split into weeks of seven. */
export function weeksOf(range: { from: Date; to: Date }): Date[][] {
  const weeks: Date[][] = [];
  for (let day = range.from; day < range.to; day = addDays(day, 7)) weeks.push(Array.from({ length: 7 }, (_, i) => addDays(day, i)));
  return weeks;
}

const overlaps = (span: Span, from: Date, to: Date) => new Date(span.start) < to && new Date(span.end) > from;

/** Which day column (0-6) of the week an instant falls in, clamped to the week. */
function columnOf(weekStart: Date, instant: Date): number {
  for (let column = 6; column >= 0; column--) if (instant >= addDays(weekStart, column)) return column;
  return 0;
}

/**
 * The bars of one week row: each item overlapping the week gets the day columns it covers
 * and the first lane free from its first day on (items sorted by start, longer first).
 */
export function layoutWeek<T extends Span>(items: T[], weekStart: Date): WeekSegment<T>[] {
  const weekEnd = addDays(weekStart, 7);
  const inWeek = items
    .filter((item) => overlaps(item, weekStart, weekEnd))
    .sort((a, b) => a.start.localeCompare(b.start) || b.end.localeCompare(a.end));
  const laneEnds: number[] = [];
  return inWeek.map((item) => {
    const start = new Date(item.start);
    // an end at exactly midnight belongs to the day before
    const end = new Date(new Date(item.end).getTime() - 1);
    const column = start < weekStart ? 0 : columnOf(weekStart, start);
    const last = end >= weekEnd ? 6 : columnOf(weekStart, end);
    let lane = laneEnds.findIndex((taken) => taken < column);
    if (lane === -1) lane = laneEnds.length;
    laneEnds[lane] = last;
    return { item, column, span: Math.max(1, last - column + 1), lane, continuesBefore: start < weekStart, continuesAfter: end >= weekEnd };
  });
}

/** True when the span covers part of the given local day. */
export function coversDay(span: Span, day: Date): boolean {
  return overlaps(span, startOfDay(day), addDays(startOfDay(day), 1));
}

/** Left offset and width of a span inside [from, to), in percent, clamped to the range. */
export function positionIn(span: Span, from: Date, to: Date): { left: number; width: number } {
  const total = to.getTime() - from.getTime();
  const start = Math.max(new Date(span.start).getTime(), from.getTime());
  const end = Math.min(new Date(span.end).getTime(), to.getTime());
  const left = ((start - from.getTime()) / total) * 100;
  return { left, width: Math.max(((end - start) / total) * 100, 0.6) };
}

/** "2025-03-07" for a local day, as the calendar's URL carries it. */
export function toDateParam(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The local day of a "2025-03-07" URL value (today when missing or invalid). */
export function fromDateParam(value: string | null | undefined, today: Date = new Date()): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? "");
  if (!match) return startOfDay(today);
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? startOfDay(today) : date;
}

/** Where the calendar shows a view around a day. */
export function calendarPath(view: CalendarView, date: Date): string {
  return `/changes?view=${view}&date=${toDateParam(date)}`;
}
