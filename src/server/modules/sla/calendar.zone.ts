/** Time zone offsets of business calendars, sampled from luxon and cached per zone. */
import { IANAZone } from "luxon";
import { DAY, HOUR, MINUTE, lowerBound } from "./calendar.dates.js";

/**
 * A zone's UTC offsets as segments of constant offset over a contiguous stretch of UTC years,
 * filled in a year at a time on demand.
 */
export class ZoneTimeline {
  private static readonly cache = new Map<string, ZoneTimeline>();
  private starts: number[] = [];
  private offs: number[] = [];
  private lo = 0;
  private hi = 0;
  private loYear = 0;
  private hiYear = 0;

  private constructor(private readonly zone: IANAZone) {}

  /** The shared timeline of a valid IANA zone name. */
  static of(name: string): ZoneTimeline {
    let t = ZoneTimeline.cache.get(name);
    if (!t) ZoneTimeline.cache.set(name, (t = new ZoneTimeline(IANAZone.create(name))));
    return t;
  }

  /** Offset (local minus UTC) in ms at instant t. */
  offsetAt(t: number): number {
    const i = this.segmentIndex(t); // first: it may replace this.offs
    return this.offs[i];
  }

  /** The local date (day number) shown at instant t. */
  wallDay(t: number): number {
    return Math.floor((t + this.offsetAt(t)) / DAY);
  }

  /** The first instant at which the running maximum of the local clock reaches wall time w. */
  wallToInstant(w: number): number {
    // Offsets lie within -12 h..+14 h: instants before w - 15 h show a wall time before w.
    this.cover(w + 15 * HOUR);
    for (let i = this.segmentIndex(w - 15 * HOUR); ; i++) {
      const end = i + 1 < this.starts.length ? this.starts[i + 1] : this.hi;
      if (end + this.offs[i] > w) return Math.max(this.starts[i], w - this.offs[i]);
    }
  }

  /** The segment holding t: its start, its end (next change or end of what is known) and offset. */
  segment(t: number): { start: number; end: number; offset: number } {
    this.cover(t + 16 * DAY);
    this.cover(t - 16 * DAY);
    const i = this.segmentIndex(t);
    return { start: this.starts[i], end: i + 1 < this.starts.length ? this.starts[i + 1] : this.hi, offset: this.offs[i] };
  }

  private segmentIndex(t: number): number {
    this.cover(t);
    return lowerBound(this.starts, t + 1) - 1;
  }

  private cover(t: number): void {
    if (t >= this.lo && t < this.hi) return;
    if (!Number.isFinite(t)) throw new RangeError(`not an instant: ${t}`);
    const year = new Date(t).getUTCFullYear();
    // Known offsets stay one contiguous stretch; a query far away starts a new one instead of
    // sampling every year in between.
    if (this.starts.length === 0 || year < this.loYear - 2 || year > this.hiYear + 2) {
      this.loYear = this.hiYear = year;
      const [starts, offs] = this.sampleYear(this.loYear);
      [this.starts, this.offs, this.lo, this.hi] = [starts, offs, yearStart(this.loYear), yearStart(this.loYear + 1)];
    }
    while (t < this.lo) {
      const [starts, offs] = this.sampleYear(--this.loYear);
      const join = offs[offs.length - 1] === this.offs[0] ? 1 : 0; // same offset across the year boundary
      this.starts = starts.concat(this.starts.slice(join));
      this.offs = offs.concat(this.offs.slice(join));
      this.lo = yearStart(this.loYear);
    }
    while (t >= this.hi) {
      const [starts, offs] = this.sampleYear(++this.hiYear);
      const join = offs[0] === this.offs[this.offs.length - 1] ? 1 : 0;
      this.starts.push(...starts.slice(join));
      this.offs.push(...offs.slice(join));
      this.hi = yearStart(this.hiYear + 1);
    }
  }

  /** Segments of one UTC year: offsets sampled daily, each change bisected to the millisecond. */
  private sampleYear(year: number): [number[], number[]] {
    const from = yearStart(year);
    const to = yearStart(year + 1);
    let prevT = from;
    let prevO = this.raw(from);
    const starts = [from];
    const offs = [prevO];
    for (let t = from + DAY; t < to + DAY; t += DAY) {
      const p = Math.min(t, to - 1);
      const o = this.raw(p);
      while (o !== prevO) {
        let a = prevT;
        let b = p;
        while (b - a > 1) {
          const mid = Math.floor((a + b) / 2);
          if (this.raw(mid) === prevO) a = mid;
          else b = mid;
        }
        prevT = b;
        prevO = this.raw(b);
        starts.push(b);
        offs.push(prevO);
      }
      prevT = p;
    }
    return [starts, offs];
  }

  private raw(t: number): number {
    return Math.round(this.zone.offset(t) * MINUTE);
  }
}

/** 00:00 UTC on 1 January of `year` (Date.UTC would read years 0-99 as 1900-1999). */
function yearStart(year: number): number {
  return new Date(0).setUTCFullYear(year, 0, 1);
}
