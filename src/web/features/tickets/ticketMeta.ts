import type { BadgeTone } from "../../components/Badge";
import type { IconName } from "../../components/Icon";
import type { Permission } from "../../api/types";
import type { LinkType, OnHoldReason, TicketKind } from "./ticketTypes";

/** Labels, URL segments and icons of the ticket kinds. */
export const KIND_META: Record<TicketKind, { label: string; plural: string; segment: string; icon: IconName }> = {
  incident: { label: "Incident", plural: "Incidents", segment: "incidents", icon: "alert" },
  problem: { label: "Problem", plural: "Problems", segment: "problems", icon: "search" },
  change: { label: "Change", plural: "Changes", segment: "changes", icon: "history" },
  request: { label: "Request", plural: "Requests", segment: "requests", icon: "mail" },
  task: { label: "Task", plural: "Tasks", segment: "tasks", icon: "check" },
};

/** The kind a list URL segment ("incidents") stands for. */
export function kindFromSegment(segment: string | undefined): TicketKind | undefined {
  return (Object.keys(KIND_META) as TicketKind[]).find((kind) => KIND_META[kind].segment === segment);
}

/** Where a ticket's page is in the agent workspace. */
export const ticketPath = (number: string) => `/service-desk/tickets/${encodeURIComponent(number)}`;

/** Where a ticket's page is in the requester portal. */
export const portalTicketPath = (number: string) => `/portal/tickets/${encodeURIComponent(number)}`;

export const PRIORITY_META: Record<number, { label: string; tone: BadgeTone }> = {
  1: { label: "P1 Critical", tone: "danger" },
  2: { label: "P2 High", tone: "warning" },
  3: { label: "P3 Moderate", tone: "info" },
  4: { label: "P4 Low", tone: "neutral" },
  5: { label: "P5 Planning", tone: "neutral" },
};

export const LEVEL_LABELS: Record<number, string> = { 1: "1 High", 2: "2 Medium", 3: "3 Low" };

export const ON_HOLD_LABELS: Record<OnHoldReason, string> = {
  awaiting_caller: "Awaiting caller",
  awaiting_change: "Awaiting change",
  awaiting_problem: "Awaiting problem",
  awaiting_vendor: "Awaiting vendor",
};

/** How a link reads from this ticket's side. */
export const LINK_LABELS: Record<LinkType, string> = {
  child_of: "Child of",
  parent_of: "Parent of",
  caused_by: "Caused by",
  causes: "Causes",
  related_to: "Related to",
  duplicate_of: "Duplicate of",
  duplicated_by: "Duplicated by",
};

/** Resolution codes offered as suggestions (the incident flow's list); the server accepts any short code. */
export const RESOLUTION_CODES = ["solved_permanently", "solved_workaround", "not_reproducible", "user_error", "duplicate", "resolved_by_change", "resolved_by_problem", "resolved_by_caller"];

// flows name colours loosely ("green", "amber", "success"); badges have six tones
const COLOR_TONES: Record<string, BadgeTone> = {
  gray: "neutral",
  grey: "neutral",
  neutral: "neutral",
  blue: "info",
  info: "info",
  cyan: "info",
  teal: "info",
  green: "success",
  success: "success",
  amber: "warning",
  yellow: "warning",
  orange: "warning",
  warning: "warning",
  red: "danger",
  danger: "danger",
  purple: "accent",
  violet: "accent",
  indigo: "accent",
  accent: "accent",
};

/** The badge tone for a flow state's colour. */
export function toneOfColor(color: string | undefined): BadgeTone {
  return (color && COLOR_TONES[color.toLowerCase()]) || "neutral";
}

/** "in_progress" -> "In progress", for codes that have no label of their own. */
export function humanize(code: string): string {
  const text = code.replace(/[_.-]+/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The permissions of the ticket core; the shared Permission union does not list them yet. */
export type TicketPermission = "tickets.read" | "tickets.write" | "tickets.own" | "tickets.admin";

/** Ticket permissions typed for route and area declarations. */
export function ticketPermissions(...names: TicketPermission[]): Permission[] {
  return names as string[] as Permission[];
}
