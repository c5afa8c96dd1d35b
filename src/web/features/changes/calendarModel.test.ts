import { describe, expect, it } from "vitest";
import { addDays, calendarPath, coversDay, fromDateParam, layoutWeek, positionIn, rangeOf, shift, startOfWeek, toDateParam, weeksOf } from "./calendarModel";

// Dates are built from local parts, so the expectations hold in any time zone.
const local = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min);
const span = (start: Date, end: Date, id = "x") => ({ id, start: start.toISOString(), end: end.toISOString() });

describe("change calendar ranges", () => {
  it("starts weeks on Monday", () => {
    expect(toDateParam(startOfWeek(local(2025, 3, 12, 15)))).toBe("2025-03-10");
    expect(toDateParam(startOfWeek(local(2025, 3, 16, 23)))).toBe("2025-03-10");
    expect(toDateParam(startOfWeek(local(2025, 3, 17)))).toBe("2025-03-17");
  });

  it("shows whole weeks around a month, never more than the API's 93 days", () => {
    const march = rangeOf("month", local(2025, 3, 20));
    expect(toDateParam(march.from)).toBe("2025-02-24");
    expect(toDateParam(march.to)).toBe("2025-04-07");
    expect(weeksOf(march)).toHaveLength(6);
    // February 2021 starts on a Monday and has exactly four weeks
    const february = rangeOf("month", local(2021, 2, 10));
    expect(toDateParam(february.from)).toBe("2021-02-01");
    expect(weeksOf(february)).toHaveLength(4);
    for (const anchor of [local(2025, 3, 1), local(2025, 10, 31), local(2024, 12, 5)]) {
      const range = rangeOf("month", anchor);
      expect(range.to.getTime() - range.from.getTime()).toBeLessThanOrEqual(93 * 86_400_000);
      expect(range.from <= new Date(anchor.getFullYear(), anchor.getMonth(), 1)).toBe(true);
      expect(range.to >= new Date(anchor.getFullYear(), anchor.getMonth() + 1, 1)).toBe(true);
    }
  });

  it("pages by month and by week, and round-trips the URL date", () => {
    expect(toDateParam(shift("month", local(2025, 1, 31), 1))).toBe("2025-02-01");
    expect(toDateParam(shift("week", local(2025, 3, 12), -1))).toBe("2025-03-05");
    expect(toDateParam(fromDateParam("2025-03-07"))).toBe("2025-03-07");
    expect(toDateParam(fromDateParam("not a date", local(2025, 6, 1, 13)))).toBe("2025-06-01");
    expect(calendarPath("week", local(2025, 3, 7, 22))).toBe("/changes?view=week&date=2025-03-07");
  });
});

describe("change calendar layout", () => {
  const monday = local(2025, 3, 10);

  it("places bars on the days they cover, overlapping bars in separate lanes", () => {
    const a = span(local(2025, 3, 12, 21), local(2025, 3, 12, 23), "a");
    const b = span(local(2025, 3, 12, 22), local(2025, 3, 13, 1), "b");
    const c = span(local(2025, 3, 14, 9), local(2025, 3, 14, 10), "c");
    const segments = layoutWeek([c, b, a], monday);
    const byId = new Map(segments.map((s) => [s.item.id, s]));
    expect(byId.get("a")).toMatchObject({ column: 2, span: 1, lane: 0 });
    expect(byId.get("b")).toMatchObject({ column: 2, span: 2, lane: 1 });
    // Friday is free in the first lane again
    expect(byId.get("c")).toMatchObject({ column: 4, span: 1, lane: 0 });
  });

  it("clips bars to the week and says where they continue; an end at midnight stays on the day before", () => {
    const long = span(local(2025, 3, 8, 12), local(2025, 3, 18, 6), "long");
    expect(layoutWeek([long], monday)[0]).toMatchObject({ column: 0, span: 7, continuesBefore: true, continuesAfter: true });
    const toMidnight = span(local(2025, 3, 11, 20), local(2025, 3, 12), "m");
    expect(layoutWeek([toMidnight], monday)[0]).toMatchObject({ column: 1, span: 1, continuesAfter: false });
    expect(layoutWeek([span(local(2025, 3, 3), local(2025, 3, 4))], monday)).toEqual([]);
  });

  it("shades the days a window covers and positions week bars in percent of the week", () => {
    const freeze = span(local(2025, 3, 12, 20), local(2025, 3, 14));
    expect([0, 1, 2, 3, 4].map((d) => coversDay(freeze, addDays(monday, d)))).toEqual([false, false, true, true, false]);
    const week = { from: monday, to: addDays(monday, 7) };
    const wednesdayNoon = positionIn(span(local(2025, 3, 12, 12), local(2025, 3, 12, 12, 1)), week.from, week.to);
    expect(wednesdayNoon.left).toBeCloseTo((2.5 / 7) * 100, 0);
    const before = positionIn(span(local(2025, 3, 1), local(2025, 3, 11)), week.from, week.to);
    expect(before.left).toBe(0);
    expect(before.width).toBeCloseTo(100 / 7, 0);
  });
});
