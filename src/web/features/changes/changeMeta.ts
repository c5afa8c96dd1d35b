/** Labels, tones and small formatters of change management, shared by its pages and panels. */
import type { BadgeTone } from "../../components/Badge";
import { formatDateTime } from "../../components/Time";
import type { ApprovalDecision, ApprovalRuleKind, ApprovalStatus, ChangeConflict, ChangeOutcome, ChangeRisk, ChangeType } from "./changeTypes";

export const TYPE_META: Record<ChangeType, { label: string; hint: string }> = {
  standard: { label: "Standard", hint: "Pre-approved from a template: no assessment, no CAB." },
  normal: { label: "Normal", hint: "Assessed, authorized by the CAB, then scheduled." },
  emergency: { label: "Emergency", hint: "Goes straight to (emergency) approval." },
};

export const RISK_META: Record<ChangeRisk, { label: string; tone: BadgeTone }> = {
  low: { label: "Low", tone: "success" },
  moderate: { label: "Moderate", tone: "info" },
  high: { label: "High", tone: "warning" },
  very_high: { label: "Very high", tone: "danger" },
};

export const OUTCOME_META: Record<ChangeOutcome, { label: string; tone: BadgeTone }> = {
  successful: { label: "Successful", tone: "success" },
  successful_with_issues: { label: "Successful with issues", tone: "warning" },
  failed: { label: "Failed", tone: "danger" },
  backed_out: { label: "Backed out", tone: "danger" },
};

export const APPROVAL_STATUS_META: Record<ApprovalStatus, { label: string; tone: BadgeTone }> = {
  not_required: { label: "No approval needed", tone: "neutral" },
  not_requested: { label: "Not requested yet", tone: "neutral" },
  pending: { label: "Awaiting approval", tone: "warning" },
  approved: { label: "Approved", tone: "success" },
  rejected: { label: "Rejected", tone: "danger" },
};

export const DECISION_META: Record<ApprovalDecision, { label: string; tone: BadgeTone }> = {
  pending: { label: "Pending", tone: "warning" },
  approved: { label: "Approved", tone: "success" },
  rejected: { label: "Rejected", tone: "danger" },
  canceled: { label: "Not needed", tone: "neutral" },
};

/** "all of CAB", "any one of CAB", "2 of CAB". */
export function ruleWording(rule: ApprovalRuleKind, required: number, group: string): string {
  if (rule === "all") return `every member of ${group}`;
  if (rule === "any") return `any one member of ${group}`;
  return `${required} members of ${group}`;
}

/** Label of a risk code the server sent (unknown codes pass through). */
export const riskLabel = (risk: string) => RISK_META[risk as ChangeRisk]?.label ?? risk;

/** "Mon 3 Mar, 22:00 – 23:30" or across days "3 Mar 22:00 – 4 Mar 02:00". */
export function formatWindow(start: string, end: string): string {
  return `${formatDateTime(start)} – ${formatDateTime(end)}`;
}

/** One conflict in a sentence. */
export function conflictSentence(conflict: ChangeConflict): string {
  const names = conflict.cis.map((ci) => ci.name).join(", ");
  if (conflict.type === "blackout" && conflict.blackout) {
    return `Inside blackout window “${conflict.blackout.name}”${names ? ` for ${names}` : ""} (${formatWindow(conflict.blackout.startsAt, conflict.blackout.endsAt)})`;
  }
  const other = conflict.change;
  const what = conflict.type === "same_ci" ? `also changes ${names || "the same CI"}` : `touches the same service${names ? ` (${names})` : ""}`;
  return other ? `${other.number} “${other.title}” ${what}, ${formatWindow(other.plannedStart, other.plannedEnd)}` : what;
}

/** An ISO timestamp as the value of an <input type="datetime-local"> (local time). */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value back to ISO (null when empty or invalid). */
export function fromLocalInput(value: string): string | null {
  if (!value.trim()) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
