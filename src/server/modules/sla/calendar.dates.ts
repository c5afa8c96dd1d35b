/** Civil dates (proleptic Gregorian, day 0 = 1970-01-01) and holiday sets of business calendars. */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

export function civilFromDays(z: number): [number, number, number] {
  z += 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, doy - Math.floor((153 * mp + 2) / 5) + 1];
}

/** 0 = Monday ... 6 = Sunday. */
export const weekdayOf = (day: number): number => (((day + 3) % 7) + 7) % 7;

/** The day number of an ISO date, or null when it is not a real date. */
export function parseDate(s: unknown): number | null {
  const m = typeof s === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) : null;
  if (!m) return null;
  const day = daysFromCivil(+m[1], +m[2], +m[3]);
  const [y, mo, d] = civilFromDays(day);
  return y === +m[1] && mo === +m[2] && d === +m[3] ? day : null;
}

// ---------- holidays ----------

/** Holidays as day numbers: singles sorted, ranges sorted by start, yearly as month * 100 + day. */
export class HolidaySet {
  constructor(
    readonly singles: readonly number[],
    readonly ranges: readonly (readonly [number, number])[],
    readonly yearly: readonly number[],
  ) {}

  get empty(): boolean {
    return this.singles.length + this.ranges.length + this.yearly.length === 0;
  }

  /** Whether the local date `day` is a day off. */
  has(day: number): boolean {
    if (this.empty) return false;
    const i = lowerBound(this.singles, day);
    if (this.singles[i] === day) return true;
    for (const [from, to] of this.ranges) if (from <= day && day <= to) return true;
    if (this.yearly.length === 0) return false;
    const [, m, d] = civilFromDays(day);
    return this.yearly.includes(m * 100 + d);
  }

  /** The first holiday on or after `day`, or a later day before which there is certainly none. */
  nextOnOrAfter(day: number): number {
    let best = Infinity;
    const i = lowerBound(this.singles, day);
    if (i < this.singles.length) best = this.singles[i];
    for (const [from, to] of this.ranges) if (to >= day) best = Math.min(best, Math.max(from, day));
    if (this.yearly.length) {
      const y = civilFromDays(day)[0];
      best = Math.min(best, daysFromCivil(y + 2, 1, 1)); // 02-29 may be years away: look no further
      for (const year of [y, y + 1]) for (const md of this.yearly) best = Math.min(best, yearlyDay(year, md, day, 1));
    }
    return best;
  }

  /** The last holiday on or before `day`, or an earlier day after which there is certainly none. */
  prevOnOrBefore(day: number): number {
    let best = -Infinity;
    const i = lowerBound(this.singles, day + 1) - 1;
    if (i >= 0) best = this.singles[i];
    for (const [from, to] of this.ranges) if (from <= day) best = Math.max(best, Math.min(to, day));
    if (this.yearly.length) {
      const y = civilFromDays(day)[0];
      best = Math.max(best, daysFromCivil(y - 2, 12, 31));
      for (const year of [y, y - 1]) for (const md of this.yearly) best = Math.max(best, yearlyDay(year, md, day, -1));
    }
    return best;
  }
}

/** The day of yearly holiday `md` in `year` if it exists and lies on the `dir` side of `day`. */
function yearlyDay(year: number, md: number, day: number, dir: 1 | -1): number {
  const m = Math.floor(md / 100);
  const d = md % 100;
  const at = daysFromCivil(year, m, d);
  if (civilFromDays(at)[2] !== d) return dir * Infinity; // 02-29 outside leap years
  return dir === 1 ? (at >= day ? at : Infinity) : at <= day ? at : -Infinity;
}

export function lowerBound(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

