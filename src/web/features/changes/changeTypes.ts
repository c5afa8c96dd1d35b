/**
 * Change management shapes as the web UI uses them. They mirror src/contract/changes.ts;
 * dates are ISO-8601 strings.
 */
import type { ChangeFields, Ref } from "../tickets/ticketTypes";

export const CHANGE_TYPES = ["standard", "normal", "emergency"] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];
export const CHANGE_RISKS = ["low", "moderate", "high", "very_high"] as const;
export type ChangeRisk = (typeof CHANGE_RISKS)[number];
export const CHANGE_OUTCOMES = ["successful", "successful_with_issues", "failed", "backed_out"] as const;
export type ChangeOutcome = (typeof CHANGE_OUTCOMES)[number];
export const APPROVAL_RULE_KINDS = ["all", "any", "n_of"] as const;
export type ApprovalRuleKind = (typeof APPROVAL_RULE_KINDS)[number];
export type ApprovalDecision = "pending" | "approved" | "rejected" | "canceled";
export type ApprovalStatus = "not_required" | "not_requested" | "pending" | "approved" | "rejected";
export type ConflictType = "same_ci" | "same_service" | "blackout";

/** Why a change's window collides with another change or a blackout window. */
export interface ChangeConflict {
  type: ConflictType;
  change: { id: string; number: string; title: string; state: string; plannedStart: string; plannedEnd: string } | null;
  blackout: { id: string; name: string; startsAt: string; endsAt: string } | null;
  cis: Ref[];
}

/** The change fields of a loaded change ticket, with what the server derives. */
export interface ChangeDetails extends ChangeFields {
  approvalStatus?: ApprovalStatus;
  conflicts?: ChangeConflict[];
}

/** Change fields accepted on create, update and transitions. */
export interface ChangeInput {
  type?: ChangeType;
  templateId?: string | null;
  justification?: string | null;
  implementationPlan?: string | null;
  backoutPlan?: string | null;
  testPlan?: string | null;
  risk?: ChangeRisk;
  riskOverrideReason?: string | null;
  plannedStart?: string | null;
  plannedEnd?: string | null;
  actualStart?: string | null;
  actualEnd?: string | null;
  outcome?: ChangeOutcome | null;
  review?: string | null;
}

export interface ChangeApproval {
  id: string;
  round: number;
  ruleId: string | null;
  ruleName: string;
  group: Ref;
  approver: Ref;
  decision: ApprovalDecision;
  comment: string | null;
  decidedAt: string | null;
  createdAt: string;
}

export interface ApprovalRuleProgress {
  ruleId: string | null;
  ruleName: string;
  group: Ref;
  rule: ApprovalRuleKind;
  required: number;
  approved: number;
  met: boolean;
}

export interface ChangeApprovals {
  status: ApprovalStatus;
  /** Current round (0: never requested). */
  round: number;
  rules: ApprovalRuleProgress[];
  /** Every request of every round, newest round first. */
  items: ChangeApproval[];
}

export interface ChangeImpact {
  computedRisk: ChangeRisk;
  risk: ChangeRisk;
  cis: Ref[];
  services: Ref[];
}

export interface ApprovalRule {
  id: string;
  name: string;
  changeTypes: ChangeType[];
  risks: ChangeRisk[];
  group: Ref;
  rule: ApprovalRuleKind;
  required: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ApprovalRuleInput {
  name?: string;
  changeTypes?: Array<"normal" | "emergency">;
  risks?: ChangeRisk[];
  groupId?: string;
  rule?: ApprovalRuleKind;
  required?: number;
  active?: boolean;
}

export interface ChangeTemplate {
  id: string;
  name: string;
  description: string;
  title: string;
  category: string | null;
  justification: string | null;
  implementationPlan: string | null;
  backoutPlan: string | null;
  testPlan: string | null;
  risk: ChangeRisk;
  durationMinutes: number | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ChangeTemplateInput {
  name?: string;
  description?: string;
  title?: string;
  category?: string | null;
  justification?: string | null;
  implementationPlan?: string | null;
  backoutPlan?: string | null;
  testPlan?: string | null;
  risk?: ChangeRisk;
  durationMinutes?: number | null;
  active?: boolean;
}

export interface Blackout {
  id: string;
  name: string;
  description: string;
  startsAt: string;
  endsAt: string;
  /** CIs or services it applies to (empty: every change). */
  cis: Ref[];
  createdAt: string;
  updatedAt: string;
}

export interface BlackoutInput {
  name?: string;
  description?: string;
  startsAt?: string;
  endsAt?: string;
  ciIds?: string[];
}

export interface CalendarEntry {
  id: string;
  number: string;
  title: string;
  state: string;
  type: ChangeType;
  risk: ChangeRisk;
  plannedStart: string;
  plannedEnd: string;
  ci: Ref | null;
  conflicts: ChangeConflict[];
}

export interface ChangeCalendar {
  from: string;
  to: string;
  changes: CalendarEntry[];
  blackouts: Blackout[];
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
