/**
 * The flows of the kinds the core owns outright (requests and tasks) and the fallbacks of
 * problems and changes, which their modules replace with their own when they register.
 */
import type { Flow } from "./tickets.flow.js";
import { registerKind } from "./tickets.kinds.js";

const working = {
  new: { label: "New", color: "blue", open: true },
  in_progress: { label: "In progress", color: "indigo", open: true },
  on_hold: { label: "On hold", color: "amber", open: true },
  resolved: { label: "Resolved", color: "green", open: false },
  closed: { label: "Closed", color: "gray", open: false, terminal: true },
  canceled: { label: "Canceled", color: "gray", open: false, terminal: true },
};

/** Service requests: fulfilled (resolved) then closed; the requester may reopen or close. */
export const REQUEST_FLOW: Flow = {
  initial: "new",
  states: working,
  transitions: {
    start: { label: "Start work", from: ["new", "on_hold"], to: "in_progress" },
    hold: { label: "Put on hold", from: ["new", "in_progress"], to: "on_hold", requires: ["onHoldReason"] },
    resolve: { label: "Fulfil", from: ["new", "in_progress", "on_hold"], to: "resolved", requires: ["resolutionNotes"] },
    close: { label: "Close", from: ["resolved"], to: "closed", who: ["agent", "requester"] },
    reopen: { label: "Reopen", from: ["resolved"], to: "in_progress", requires: ["reason"], who: ["agent", "requester"] },
    cancel: { label: "Cancel", from: ["new", "in_progress", "on_hold"], to: "canceled", requires: ["reason"], who: ["agent", "requester"] },
  },
};

/** Tasks: a piece of work under another ticket. */
export const TASK_FLOW: Flow = {
  initial: "open",
  states: {
    open: { label: "Open", color: "blue", open: true },
    in_progress: { label: "In progress", color: "indigo", open: true },
    completed: { label: "Completed", color: "green", open: false, terminal: true },
    canceled: { label: "Canceled", color: "gray", open: false, terminal: true },
  },
  transitions: {
    start: { label: "Start work", from: ["open"], to: "in_progress" },
    complete: { label: "Complete", from: ["open", "in_progress"], to: "completed" },
    reopen: { label: "Reopen", from: ["completed"], to: "in_progress", requires: ["reason"] },
    cancel: { label: "Cancel", from: ["open", "in_progress"], to: "canceled", requires: ["reason"] },
  },
};

const linear = (states: string[], labels: string[]): Flow => ({
  initial: states[0],
  states: {
    ...Object.fromEntries(states.map((s, i) => [s, { label: labels[i], color: "blue", open: i < states.length - 2 }])),
    [states[states.length - 1]]: { label: labels[labels.length - 1], color: "gray", open: false, terminal: true },
    canceled: { label: "Canceled", color: "gray", open: false, terminal: true },
  },
  transitions: {
    ...Object.fromEntries(states.slice(1).map((s, i) => [`to_${s}`, { label: labels[i + 1], from: [states[i]], to: s }])),
    cancel: { label: "Cancel", from: states.slice(0, -2), to: "canceled", requires: ["reason"] },
  },
});

registerKind({ kind: "request", prefix: "REQ", label: "Request", flow: REQUEST_FLOW, hooks: {} });
registerKind({ kind: "task", prefix: "TASK", label: "Task", flow: TASK_FLOW, hooks: {} });
registerKind({ kind: "problem", prefix: "PRB", label: "Problem", flow: linear(["new", "assess", "root_cause_analysis", "fix_in_progress", "resolved", "closed"], ["New", "Assess", "Root cause analysis", "Fix in progress", "Resolved", "Closed"]), hooks: {} });
registerKind({ kind: "change", prefix: "CHG", label: "Change", flow: linear(["new", "assess", "authorize", "scheduled", "implement", "review", "closed"], ["New", "Assess", "Authorize", "Scheduled", "Implement", "Review", "Closed"]), hooks: {} });
