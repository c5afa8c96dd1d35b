import { describe, expect, it } from "vitest";
import { matchesFilter, PREDEFINED_FILTERS, thisWeek } from "./savedFilters";
import { missingFields, transitionBody } from "./TransitionFields";

describe("transition forms", () => {
  it("builds nested bodies from dotted field paths and drops blank values", () => {
    const body = transitionBody("implement", { "change.outcome": "successful", comment: "  ", resolutionCode: " solved_permanently " }, 7);
    expect(body).toEqual({ transition: "implement", version: 7, change: { outcome: "successful" }, resolutionCode: "solved_permanently" });
  });

  it("turns known-error answers into booleans", () => {
    expect(transitionBody("known", { "problem.knownError": "true" }).problem).toEqual({ knownError: true });
    expect(transitionBody("known", { "problem.knownError": "false" }).problem).toEqual({ knownError: false });
  });

  it("names every required field that is still empty", () => {
    expect(missingFields(["resolutionCode", "resolutionNotes"], { resolutionCode: "duplicate", resolutionNotes: " " })).toEqual({
      resolutionNotes: "Resolution notes is required",
    });
    expect(missingFields(["change.outcome"], {})).toEqual({ "change.outcome": "Outcome is required" });
  });
});

describe("saved filters", () => {
  it("matches a URL only when every filter parameter agrees", () => {
    const mine = PREDEFINED_FILTERS.find((f) => f.id === "my-open-incidents")!;
    expect(matchesFilter(mine, new URLSearchParams("kind=incident&status=open&assigneeId=me&sort=-priority"))).toBe(true);
    expect(matchesFilter(mine, new URLSearchParams("kind=incident&status=open&assigneeId=me&priority=1"))).toBe(false);
    expect(matchesFilter(mine, new URLSearchParams("kind=incident&status=open"))).toBe(false);
  });

  it("counts the week from Monday, also on a Sunday", () => {
    const sunday = new Date(2026, 10, 22, 15, 30);
    const { from, to } = thisWeek(sunday);
    const start = new Date(from);
    expect(start.getDay()).toBe(1);
    expect(start.getDate()).toBe(16);
    expect(new Date(to).getTime() - start.getTime()).toBeGreaterThanOrEqual(7 * 86_400_000 - 3_600_000);
  });
});
