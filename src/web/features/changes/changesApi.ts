/**
 * Change management's HTTP API as the web UI calls it: calendar, conflicts, approvals,
 * impact, and the configuration (templates, approval rules, blackout windows). The change
 * tickets themselves go through the ticket core's API (../tickets/ticketsApi.ts).
 */
import { api } from "../../api/client";
import type {
  ApprovalRule,
  ApprovalRuleInput,
  Blackout,
  BlackoutInput,
  ChangeApprovals,
  ChangeCalendar,
  ChangeConflict,
  ChangeImpact,
  ChangeTemplate,
  ChangeTemplateInput,
  Page,
} from "./changeTypes";

const change = (ref: string) => `/api/v1/changes/${encodeURIComponent(ref)}`;

/** Changes planned in a range (at most 93 days) with their conflicts, and the blackout windows. */
export function getCalendar(query: { from: string; to: string; ciId?: string; includeClosed?: boolean }, signal?: AbortSignal): Promise<ChangeCalendar> {
  return api.get("/api/v1/changes/calendar", { query, signal });
}

/** Conflicts of a change's planned window. */
export function getConflicts(ref: string, signal?: AbortSignal): Promise<{ items: ChangeConflict[] }> {
  return api.get(`${change(ref)}/conflicts`, { signal });
}

/** Approval status, progress of each rule and every request of a change. */
export function getApprovals(ref: string, signal?: AbortSignal): Promise<ChangeApprovals> {
  return api.get(`${change(ref)}/approvals`, { signal });
}

/** The caller approves (approvers of the current round only). */
export function approve(ref: string, comment?: string): Promise<ChangeApprovals> {
  return api.post(`${change(ref)}/approvals/approve`, comment ? { comment } : {});
}

/** The caller rejects with a comment; the change returns to New. */
export function reject(ref: string, comment: string): Promise<ChangeApprovals> {
  return api.post(`${change(ref)}/approvals/reject`, { comment });
}

/** Recomputes impacted services and computed risk from the CMDB. */
export function refreshImpact(ref: string): Promise<ChangeImpact> {
  return api.post(`${change(ref)}/impact/refresh`);
}

type ListQuery = Record<string, string | number | boolean | undefined>;

/** Standard change templates. */
export function listTemplates(query: ListQuery = {}, signal?: AbortSignal): Promise<Page<ChangeTemplate>> {
  return api.get("/api/v1/change-templates", { query: { sort: "name", limit: 200, ...query }, signal });
}
/** Adds a template. */
export function createTemplate(body: ChangeTemplateInput & { name: string }): Promise<ChangeTemplate> {
  return api.post("/api/v1/change-templates", body);
}
/** Edits a template. */
export function updateTemplate(id: string, body: ChangeTemplateInput): Promise<ChangeTemplate> {
  return api.patch(`/api/v1/change-templates/${encodeURIComponent(id)}`, body);
}
/** Deletes a template. */
export function deleteTemplate(id: string): Promise<void> {
  return api.delete(`/api/v1/change-templates/${encodeURIComponent(id)}`);
}

/** Approval rules. */
export function listRules(query: ListQuery = {}, signal?: AbortSignal): Promise<Page<ApprovalRule>> {
  return api.get("/api/v1/change-approval-rules", { query: { sort: "name", limit: 200, ...query }, signal });
}
/** Adds an approval rule. */
export function createRule(body: ApprovalRuleInput): Promise<ApprovalRule> {
  return api.post("/api/v1/change-approval-rules", body);
}
/** Edits an approval rule. */
export function updateRule(id: string, body: ApprovalRuleInput): Promise<ApprovalRule> {
  return api.patch(`/api/v1/change-approval-rules/${encodeURIComponent(id)}`, body);
}
/** Deletes an approval rule. */
export function deleteRule(id: string): Promise<void> {
  return api.delete(`/api/v1/change-approval-rules/${encodeURIComponent(id)}`);
}

/** Blackout windows. */
export function listBlackouts(query: ListQuery = {}, signal?: AbortSignal): Promise<Page<Blackout>> {
  return api.get("/api/v1/change-blackouts", { query: { sort: "startsAt", limit: 200, ...query }, signal });
}
/** Adds a blackout window. */
export function createBlackout(body: BlackoutInput & { name: string; startsAt: string; endsAt: string }): Promise<Blackout> {
  return api.post("/api/v1/change-blackouts", body);
}
/** Edits a blackout window. */
export function updateBlackout(id: string, body: BlackoutInput): Promise<Blackout> {
  return api.patch(`/api/v1/change-blackouts/${encodeURIComponent(id)}`, body);
}
/** Deletes a blackout window. */
export function deleteBlackout(id: string): Promise<void> {
  return api.delete(`/api/v1/change-blackouts/${encodeURIComponent(id)}`);
}
