/**
 * Pure helpers of the problem UI: reading typed incident numbers, the server's problem rules
 * as messages people understand, and what a suggestion pre-fills.
 */
import type { ApiError } from "../../api/client";
import type { IncidentOutcome, ProblemSuggestion } from "./problemTypes";

/** Where the problem pages live. */
export const KNOWN_ERRORS_PATH = "/service-desk/known-errors";
export const SUGGESTIONS_PATH = "/service-desk/problem-suggestions";

/** Problem states in which the root cause can no longer be removed (the server's rule). */
export const ROOT_CAUSE_KEPT = new Set(["fix_in_progress", "resolved", "closed"]);
/** Problems that take no new action items or incidents. */
export const FINISHED = new Set(["closed", "canceled"]);
/** Problems whose open incidents may be resolved with the problem's resolution. */
export const RESOLVED = new Set(["resolved", "closed"]);

const NUMBER = /^([A-Z]{3,4}[0-9]{7,}|[0-9]+)$/;

/**
 * Splits what someone typed or pasted ("INC0001001, inc0001002\nINC0001003") into ticket
 * numbers, upper-cased and without repeats, and the pieces that are not numbers.
 */
export function parseTicketNumbers(text: string): { numbers: string[]; invalid: string[] } {
  const numbers: string[] = [];
  const invalid: string[] = [];
  for (const piece of text.split(/[\s,;]+/)) {
    const value = piece.trim().toUpperCase();
    if (!value) continue;
    if (!NUMBER.test(value)) invalid.push(piece.trim());
    else if (!numbers.includes(value)) numbers.push(value);
  }
  return { numbers, invalid };
}

const MESSAGES: Record<string, string> = {
  "problem.known_error_incomplete": "A known error needs a workaround or a root cause. Record one of them, then mark the problem as a known error.",
  "problem.root_cause_required": "Once the fix is in progress the root cause stays: it can be changed, not removed.",
  "problem.finished": "The problem is closed or canceled: it takes no new action items or incidents.",
  "problem.not_resolved": "Resolve the problem first; then its open incidents can be resolved with its resolution.",
  "problem_action.owner_not_agent": "The owner of an action item must be an active agent or administrator.",
  "problem_action.unknown_owner": "That owner no longer exists; choose another one.",
  "ticket.not_in_group": "Only members of the problem's assignment group may change it.",
  "ticket.not_found": "No such ticket.",
  "ticket.duplicate_link": "Already linked to this problem.",
  "problem.not_an_incident": "Not an incident: only incidents can be linked here.",
};

/** The server's problem rules as clear messages; anything else keeps the server's message. */
export function problemErrorMessage(error: Pick<ApiError, "code" | "message"> | { error?: string; message?: string }): string {
  const code = "code" in error ? error.code : error.error;
  return (code && MESSAGES[code]) || error.message || "Something went wrong";
}

/** Counts the outcomes of a multi-incident call. */
export function summarizeOutcomes(items: IncidentOutcome[]): { done: number; failed: IncidentOutcome[] } {
  const failed = items.filter((item) => !item.ok);
  return { done: items.length - failed.length, failed };
}

/** What a suggestion is about, e.g. "web-01" or "category network". */
export function suggestionSubject(suggestion: ProblemSuggestion): string {
  return suggestion.basis === "ci" ? (suggestion.ci?.name ?? "a CI") : `category ${suggestion.category ?? ""}`.trim();
}

/** A stable key for a suggestion (one per CI or category). */
export function suggestionKey(suggestion: ProblemSuggestion): string {
  return suggestion.basis === "ci" ? `ci:${suggestion.ci?.id ?? ""}` : `category:${suggestion.category ?? ""}`;
}

/** The title, description, CI and category a problem opened from a suggestion starts with. */
export function problemDraft(suggestion: ProblemSuggestion): { title: string; description: string; ci: { id: string; name: string } | null; category: string | null } {
  const onCi = suggestion.basis === "ci";
  const subject = onCi ? `on ${suggestion.ci?.name ?? "a CI"}` : `in category "${suggestion.category ?? ""}"`;
  const list = suggestion.numbers.join(", ");
  return {
    title: `Recurring incidents ${subject}`.slice(0, 300),
    description: `${suggestion.incidents} incidents ${subject} between ${suggestion.firstAt.slice(0, 16).replace("T", " ")} and ${suggestion.lastAt.slice(0, 16).replace("T", " ")} UTC: ${list}.`,
    ci: suggestion.basis === "ci" ? suggestion.ci : null,
    category: suggestion.basis === "category" ? suggestion.category : null,
  };
}

/** Whether a suggestion concerns an incident: it is one of them, or shares its CI or category. */
export function suggestionConcerns(suggestion: ProblemSuggestion, incident: { number: string; ci: { id: string } | null; category: string | null }): boolean {
  if (suggestion.numbers.includes(incident.number)) return true;
  if (suggestion.basis === "ci") return Boolean(incident.ci && suggestion.ci?.id === incident.ci.id);
  return Boolean(incident.category && suggestion.category === incident.category);
}

/** Today as YYYY-MM-DD in UTC, the calendar the server judges "overdue" by. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
