/**
 * The change flow as data. One set of states serves the three change types; `when` picks the
 * path of each type:
 * - normal:    New -> Assess -> Authorize -> Scheduled -> Implement -> Review -> Closed
 * - emergency: New -> Authorize -> Scheduled -> ... (skips Assess, still needs approval)
 * - standard:  New -> Scheduled -> ... (pre-approved template: no assessment, no approval)
 * Cancel from any state before implementation; a rejected approval returns the change to New.
 * The API, the UI's buttons and the tests all read it (GET /api/v1/tickets/flows).
 */
import type { Ticket } from "../../../contract/index.js";
import type { Flow, StateMeta } from "../tickets/index.js";

export const CHANGE_STATES = ["new", "assess", "authorize", "scheduled", "implement", "review", "closed", "canceled"] as const;
export type ChangeState = (typeof CHANGE_STATES)[number];

export const CHANGE_STATE_META: Record<ChangeState, StateMeta> = {
  new: { label: "New", color: "blue", open: true },
  assess: { label: "Assess", color: "indigo", open: true },
  authorize: { label: "Authorize", color: "purple", open: true },
  scheduled: { label: "Scheduled", color: "teal", open: true },
  implement: { label: "Implement", color: "orange", open: true },
  review: { label: "Review", color: "yellow", open: true },
  closed: { label: "Closed", color: "gray", open: false, terminal: true },
  canceled: { label: "Canceled", color: "gray", open: false, terminal: true },
};

/** The change type of a loaded change ticket (normal when its details are missing). */
export function changeTypeOf(ticket: Ticket): string {
  return ticket.change?.type ?? "normal";
}

const isType = (...types: string[]) => (t: Ticket) => types.includes(changeTypeOf(t));

/**
 * Transitions whose needs are checked by the kind's beforeTransition hook, because the value
 * may come from the body or be recorded on the change already (the core's `requires` only
 * reads the body): schedule needs the planned window (and met approvals), review needs the
 * actual end, close needs the outcome.
 */
export const NEEDS_WINDOW: ReadonlySet<string> = new Set(["schedule"]);
export const NEEDS_OUTCOME: ReadonlySet<string> = new Set(["close"]);

export const CHANGE_FLOW = {
  initial: "new",
  states: CHANGE_STATE_META,
  transitions: {
    assess: { label: "Assess", from: ["new"], to: "assess", when: isType("normal") },
    request_approval: {
      label: "Request approval",
      from: ["new", "assess"],
      to: "authorize",
      // Normal changes are assessed first; emergency changes go straight to (emergency) approval.
      when: (t) => (changeTypeOf(t) === "normal" ? t.state === "assess" : changeTypeOf(t) === "emergency" && t.state === "new"),
    },
    reject: { label: "Reject", from: ["authorize"], to: "new", requires: ["reason"], when: isType("normal", "emergency") },
    schedule: {
      label: "Schedule",
      from: ["new", "authorize"],
      to: "scheduled",
      // Standard changes are pre-approved; the others only once authorized.
      when: (t) => (changeTypeOf(t) === "standard" ? t.state === "new" : t.state === "authorize"),
    },
    implement: { label: "Start implementation", from: ["scheduled"], to: "implement" },
    review: { label: "Review", from: ["implement"], to: "review" },
    close: { label: "Close", from: ["review"], to: "closed" },
    cancel: { label: "Cancel", from: ["new", "assess", "authorize", "scheduled"], to: "canceled", requires: ["reason"] },
  },
} satisfies Flow<ChangeState>;
