/**
 * Problem management shapes as the web UI uses them. They mirror src/contract/problems.ts;
 * dates are ISO-8601 strings, due dates YYYY-MM-DD.
 */
import type { Ref } from "../tickets/ticketTypes";

/** Root cause, workaround and known-error flag as the PATCH and transitions take them. */
export interface ProblemInput {
  rootCause?: string | null;
  workaround?: string | null;
  knownError?: boolean;
}

/** Follow-up work on a problem with an owner and a due date. */
export interface ProblemAction {
  id: string;
  problemId: string;
  title: string;
  owner: Ref | null;
  dueDate: string | null;
  done: boolean;
  /** Not done and the due date has passed (UTC). */
  overdue: boolean;
  createdAt: string;
  doneAt: string | null;
}

export interface ProblemActionInput {
  title?: string;
  ownerId?: string | null;
  dueDate?: string | null;
  done?: boolean;
}

/** An incident caused by the problem. */
export interface ProblemIncident {
  id: string;
  number: string;
  title: string;
  state: string;
  open: boolean;
  priority: number;
  ci: Ref | null;
  category: string | null;
  /** The caused_by link; deleting it unlinks the incident. */
  linkId: string;
  linkedAt: string;
  createdAt: string;
}

export interface ProblemIncidentList {
  items: ProblemIncident[];
  /** How many are still open. */
  open: number;
}

/** One incident's answer to a multi-incident call (link, resolve). */
export interface IncidentOutcome {
  ref: string;
  ok: boolean;
  error?: string;
  message?: string;
  number?: string;
  state?: string;
}

/** Recurring incidents with no open problem on their CI or category. */
export interface ProblemSuggestion {
  basis: "ci" | "category";
  ci: Ref | null;
  category: string | null;
  incidents: number;
  firstAt: string;
  lastAt: string;
  /** The most recent incidents' numbers (up to 20). */
  numbers: string[];
}

export interface ProblemSuggestionList {
  items: ProblemSuggestion[];
  threshold: number;
  windowHours: number;
}

/** An entry of the known error database. */
export interface KnownError {
  id: string;
  number: string;
  title: string;
  state: string;
  open: boolean;
  rootCause: string | null;
  workaround: string | null;
  knownErrorAt: string | null;
  ci: Ref | null;
  category: string | null;
  /** Incidents linked to the problem. */
  incidents: number;
}

export interface KnownErrorQuery {
  q?: string;
  ciId?: string;
  category?: string;
  open?: boolean;
  /** Only known errors matching this incident (linked, same CI or same category). */
  incident?: string;
  limit?: number;
  offset?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
