import { describe, expect, it } from "vitest";
import { parseTicketNumbers, problemDraft, problemErrorMessage, suggestionConcerns, summarizeOutcomes } from "./problemMeta";
import type { ProblemSuggestion } from "./problemTypes";

const suggestion = (patch: Partial<ProblemSuggestion> = {}): ProblemSuggestion => ({
  basis: "ci",
  ci: { id: "ci-1", name: "web-01" },
  category: null,
  incidents: 3,
  firstAt: "2025-03-10T08:00:00.000Z",
  lastAt: "2025-03-10T11:30:00.000Z",
  numbers: ["INC0001003", "INC0001002", "INC0001001"],
  ...patch,
});

describe("typed incident numbers", () => {
  it("reads numbers separated by commas, spaces and lines, upper-cased and once each", () => {
    expect(parseTicketNumbers("inc0001001, INC0001002\nINC0001001;  INC0001003 ")).toEqual({ numbers: ["INC0001001", "INC0001002", "INC0001003"], invalid: [] });
  });

  it("keeps what is not a number apart, so it can be pointed out", () => {
    expect(parseTicketNumbers("INC0001001 INC12 hello 42")).toEqual({ numbers: ["INC0001001", "42"], invalid: ["INC12", "hello"] });
    expect(parseTicketNumbers("   ")).toEqual({ numbers: [], invalid: [] });
  });
});

describe("problem rules as messages", () => {
  it("explains the known error rule and keeps unknown messages", () => {
    expect(problemErrorMessage({ code: "problem.known_error_incomplete", message: "x" })).toMatch(/needs a workaround or a root cause/);
    expect(problemErrorMessage({ error: "ticket.duplicate_link", message: "x" })).toBe("Already linked to this problem.");
    expect(problemErrorMessage({ code: "other.code", message: "As the server said" })).toBe("As the server said");
  });

  it("counts outcomes", () => {
    const { done, failed } = summarizeOutcomes([{ ref: "INC1", ok: true }, { ref: "INC2", ok: false, error: "ticket.not_in_group" }, { ref: "INC3", ok: true }]);
    expect(done).toBe(2);
    expect(failed.map((f) => f.ref)).toEqual(["INC2"]);
  });
});

describe("problems from suggestions", () => {
  it("pre-fills title, CI and the incidents from a CI suggestion", () => {
    const draft = problemDraft(suggestion());
    expect(draft.title).toBe("Recurring incidents on web-01");
    expect(draft.ci).toEqual({ id: "ci-1", name: "web-01" });
    expect(draft.category).toBeNull();
    expect(draft.description).toContain("INC0001003, INC0001002, INC0001001");
  });

  it("pre-fills the category from a category suggestion", () => {
    const draft = problemDraft(suggestion({ basis: "category", ci: null, category: "email" }));
    expect(draft.title).toBe('Recurring incidents in category "email"');
    expect(draft.ci).toBeNull();
    expect(draft.category).toBe("email");
  });

  it("finds the suggestion that concerns an incident", () => {
    expect(suggestionConcerns(suggestion(), { number: "INC0009999", ci: { id: "ci-1" }, category: null })).toBe(true);
    expect(suggestionConcerns(suggestion(), { number: "INC0009999", ci: { id: "ci-2" }, category: "email" })).toBe(false);
    expect(suggestionConcerns(suggestion(), { number: "INC0001002", ci: null, category: null })).toBe(true);
    expect(suggestionConcerns(suggestion({ basis: "category", ci: null, category: "email" }), { number: "INC0009999", ci: null, category: "email" })).toBe(true);
  });
});
