/**
 * The problem flow as data: New -> Assess -> Root cause analysis -> Fix in progress ->
 * Resolved -> Closed, with cancel from any open state and reopen from Resolved. The API, the
 * UI's buttons and the tests all read it (GET /api/v1/tickets/flows).
 */
import type { Flow, StateMeta } from "../tickets/index.js";

/** Every state of a problem, in the order of its life. */
export const PROBLEM_STATES = ["new", "assess", "root_cause_analysis", "fix_in_progress", "resolved", "closed", "canceled"] as const;
export type ProblemState = (typeof PROBLEM_STATES)[number];

/** Label, colour and openness of each state. */
export const PROBLEM_STATE_META: Record<ProblemState, StateMeta> = {
  new: { label: "New", color: "blue", open: true },
  assess: { label: "Assess", color: "indigo", open: true },
  root_cause_analysis: { label: "Root cause analysis", color: "purple", open: true },
  fix_in_progress: { label: "Fix in progress", color: "orange", open: true },
  resolved: { label: "Resolved", color: "green", open: false },
  closed: { label: "Closed", color: "gray", open: false, terminal: true },
  canceled: { label: "Canceled", color: "gray", open: false, terminal: true },
};

/** States in which the problem is still being worked (cancel is possible from each). */
const WORKING: ProblemState[] = ["new", "assess", "root_cause_analysis", "fix_in_progress"];

/**
 * Transitions that need a root cause, either sent in the body (`problem.rootCause`) or already
 * recorded on the problem. They are checked by the kind's beforeTransition hook because the
 * core's `requires` only looks at the body.
 */
export const NEEDS_ROOT_CAUSE: ReadonlySet<string> = new Set(["start_fix", "resolve"]);

/** The problem flow the kind registers (see the table in docs/problems.md). */
export const PROBLEM_FLOW = {
  initial: "new",
  states: PROBLEM_STATE_META,
  transitions: {
    assess: { label: "Assess", from: ["new"], to: "assess" },
    analyse: { label: "Start root cause analysis", from: ["new", "assess"], to: "root_cause_analysis" },
    start_fix: { label: "Start fix", from: ["root_cause_analysis"], to: "fix_in_progress" },
    back_to_analysis: { label: "Back to analysis", from: ["fix_in_progress"], to: "root_cause_analysis", requires: ["reason"] },
    resolve: { label: "Resolve", from: ["root_cause_analysis", "fix_in_progress"], to: "resolved", requires: ["resolutionCode", "resolutionNotes"] },
    reopen: { label: "Reopen", from: ["resolved"], to: "root_cause_analysis", requires: ["reason"] },
    close: { label: "Close", from: ["resolved"], to: "closed" },
    cancel: { label: "Cancel", from: WORKING, to: "canceled", requires: ["reason"] },
  },
} satisfies Flow<ProblemState>;

/** Resolution codes the UI offers for problems (free text is accepted too). */
export const PROBLEM_RESOLUTION_CODES = ["fixed", "fixed_by_change", "workaround_accepted", "not_reproducible", "duplicate", "risk_accepted", "vendor_fix"] as const;
