/** Incident states and transitions (ITIL): New, In progress, On hold (+ reason), Resolved, Closed, Canceled. */
import type { Flow } from "../tickets/index.js";

export const INCIDENT_STATES = ["new", "in_progress", "on_hold", "resolved", "closed", "canceled"] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

export const INCIDENT_FLOW: Flow<IncidentState> = {
  initial: "new",
  states: {
    new: { label: "New", color: "blue", open: true },
    in_progress: { label: "In progress", color: "indigo", open: true },
    on_hold: { label: "On hold", color: "amber", open: true },
    resolved: { label: "Resolved", color: "green", open: false },
    closed: { label: "Closed", color: "gray", open: false, terminal: true },
    canceled: { label: "Canceled", color: "gray", open: false, terminal: true },
  },
  transitions: {
    start: { label: "Start work", from: ["new", "on_hold"], to: "in_progress" },
    hold: { label: "Put on hold", from: ["new", "in_progress"], to: "on_hold", requires: ["onHoldReason"] },
    resolve: { label: "Resolve", from: ["new", "in_progress", "on_hold"], to: "resolved", requires: ["resolutionCode", "resolutionNotes"] },
    close: { label: "Close", from: ["resolved"], to: "closed", who: ["agent", "requester"] },
    reopen: { label: "Reopen", from: ["resolved"], to: "in_progress", requires: ["reason"], who: ["agent", "requester"] },
    cancel: { label: "Cancel", from: ["new", "in_progress", "on_hold"], to: "canceled", requires: ["reason"] },
  },
};

/** Resolution codes offered by the UI (free text is accepted too, for imports). */
export const RESOLUTION_CODES = ["solved_permanently", "solved_workaround", "not_reproducible", "user_error", "duplicate", "resolved_by_change", "resolved_by_problem", "resolved_by_caller"] as const;
