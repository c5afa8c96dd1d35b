/**
 * Problem management's HTTP API as the web UI calls it: action items, linked incidents,
 * resolving them, suggestions and the known error database. The problems themselves are
 * tickets and go through the ticket core's API (../tickets/ticketsApi.ts).
 */
import { api } from "../../api/client";
import type {
  IncidentOutcome,
  KnownError,
  KnownErrorQuery,
  Page,
  ProblemAction,
  ProblemActionInput,
  ProblemIncidentList,
  ProblemSuggestionList,
} from "./problemTypes";

const problem = (ref: string) => `/api/v1/problems/${encodeURIComponent(ref)}`;

/** A problem's action items, oldest first. */
export function listActions(ref: string, signal?: AbortSignal): Promise<{ items: ProblemAction[] }> {
  return api.get(`${problem(ref)}/actions`, { signal });
}

/** Adds an action item (the owner must be an active agent or admin). */
export function createAction(ref: string, body: ProblemActionInput & { title: string }): Promise<ProblemAction> {
  return api.post(`${problem(ref)}/actions`, body);
}

/** Changes an action item, or marks it done / open again. */
export function updateAction(ref: string, actionId: string, body: ProblemActionInput): Promise<ProblemAction> {
  return api.patch(`${problem(ref)}/actions/${encodeURIComponent(actionId)}`, body);
}

/** Removes an action item. */
export function deleteAction(ref: string, actionId: string): Promise<void> {
  return api.delete(`${problem(ref)}/actions/${encodeURIComponent(actionId)}`);
}

/** The incidents a problem causes, with how many are open. */
export function listProblemIncidents(ref: string, signal?: AbortSignal): Promise<ProblemIncidentList> {
  return api.get(`${problem(ref)}/incidents`, { signal });
}

/** Links several incidents to the problem; answered per incident. */
export function linkIncidents(ref: string, incidents: string[]): Promise<{ items: IncidentOutcome[] }> {
  return api.post(`${problem(ref)}/incidents`, { incidents });
}

/** Resolves the open incidents of a resolved problem with its resolution; answered per incident. */
export function resolveIncidents(ref: string, body: { resolutionCode?: string; resolutionNotes?: string } = {}): Promise<{ items: IncidentOutcome[] }> {
  return api.post(`${problem(ref)}/resolve-incidents`, body);
}

/** CIs and categories whose recent incidents suggest a problem. */
export function listSuggestions(signal?: AbortSignal): Promise<ProblemSuggestionList> {
  return api.get("/api/v1/problems/suggestions", { signal });
}

/** Searches the known error database. */
export function listKnownErrors(query: KnownErrorQuery, signal?: AbortSignal): Promise<Page<KnownError>> {
  return api.get("/api/v1/problems/known-errors", { query: { ...query }, signal });
}
