/**
 * What a definition says, as the clock engine reads it: which tickets it applies to and the
 * start / pause / stop / cancel conditions on ticket states and fields, with their defaults.
 */
import type { SlaAppliesTo, SlaCondition, SlaDefinitionInput } from "../../../contract/index.js";

/** The ticket as the conditions see it at one moment of its history. */
export interface TicketSnapshot {
  kind: string;
  state: string;
  onHoldReason: string | null;
  priority: number;
  impact: number;
  urgency: number;
  assigneeId: string | null;
  assignmentGroupId: string | null;
  category: string | null;
  ciId: string | null;
  /** Looked up once per evaluation from the ticket as it is now. */
  ciClass: string | null;
  serviceIds: readonly string[];
  requesterGroupIds: readonly string[];
}

/** The rules of a definition with every default filled in. */
export interface SlaRules {
  appliesTo: SlaAppliesTo;
  startWhen: SlaCondition[];
  pauseWhen: SlaCondition[];
  stopWhen: SlaCondition[];
  cancelWhen: SlaCondition[];
  resetOn: string[];
  retroactiveStart: boolean;
  warnings: number[];
}

/** A definition as the engine needs it (a stored one or an unsaved one under preview). */
export interface EngineDefinition {
  id: string;
  name: string;
  type: string;
  target: "response" | "resolution";
  targetMs: number;
  calendarId: string;
  rules: SlaRules;
  /** Clocks start only on ticket moments at or after this instant (epoch ms). */
  activeFrom: number;
}

/** Default pause: On hold waiting for the caller or a vendor (not for a change or problem). */
export const DEFAULT_PAUSE: SlaCondition[] = [{ states: ["on_hold"], onHoldReasons: ["awaiting_caller", "awaiting_vendor"] }];
/** Default stops: response ends at the first assignment or acknowledgement; resolution at Resolved. */
export const DEFAULT_STOP: Record<"response" | "resolution", SlaCondition[]> = {
  response: [{ assigned: true }, { states: ["in_progress", "resolved", "closed", "completed"] }],
  resolution: [{ states: ["resolved", "closed", "completed"] }],
};
export const DEFAULT_CANCEL: SlaCondition[] = [{ states: ["canceled"] }];
export const DEFAULT_WARNINGS = [50, 75, 90];

/** Fills in a definition input's defaults. */
export function rulesOf(input: Pick<SlaDefinitionInput, "target" | "appliesTo" | "startWhen" | "pauseWhen" | "stopWhen" | "cancelWhen" | "retroactiveStart" | "warnings"> & { resetOn?: readonly string[] }): SlaRules {
  return {
    appliesTo: input.appliesTo ?? {},
    startWhen: input.startWhen ?? [],
    pauseWhen: input.pauseWhen ?? DEFAULT_PAUSE,
    stopWhen: input.stopWhen ?? DEFAULT_STOP[input.target],
    cancelWhen: input.cancelWhen ?? DEFAULT_CANCEL,
    resetOn: [...(input.resetOn ?? ["priority"])],
    retroactiveStart: input.retroactiveStart ?? false,
    warnings: [...new Set(input.warnings ?? DEFAULT_WARNINGS)].sort((a, b) => a - b),
  };
}

const anyOf = <T>(list: readonly T[] | undefined, test: (v: T) => boolean) => list === undefined || list.length === 0 || list.some(test);

/** The applies-to conditions that fail for the snapshot, in words (empty: it applies). */
export function failingConditions(a: SlaAppliesTo, s: TicketSnapshot): string[] {
  const out: string[] = [];
  if (!anyOf(a.kinds, (k) => k === s.kind)) out.push(`kind is ${s.kind}, not ${a.kinds!.join(" or ")}`);
  if (!anyOf(a.priorities, (p) => p === s.priority)) out.push(`priority is P${s.priority}, not ${a.priorities!.map((p) => `P${p}`).join(" or ")}`);
  if (!anyOf(a.serviceIds, (id) => s.serviceIds.includes(id))) out.push("the ticket impacts none of the services");
  if (!anyOf(a.ciClasses, (c) => c === s.ciClass)) out.push(`CI class is ${s.ciClass ?? "none"}, not ${a.ciClasses!.join(" or ")}`);
  if (!anyOf(a.requesterGroupIds, (g) => s.requesterGroupIds.includes(g))) out.push("the requester is in none of the groups");
  if (!anyOf(a.assignmentGroupIds, (g) => g === s.assignmentGroupId)) out.push("the assignment group is not one of the groups");
  if (!anyOf(a.categories, (c) => c === s.category)) out.push(`category is ${s.category ?? "none"}, not ${a.categories!.join(" or ")}`);
  return out;
}

/** Whether one condition holds: every part it lists. */
export function conditionHolds(c: SlaCondition, s: TicketSnapshot): boolean {
  if (c.states && !c.states.includes(s.state)) return false;
  if (c.onHoldReasons && !(s.onHoldReason !== null && c.onHoldReasons.includes(s.onHoldReason))) return false;
  if (c.assigned !== undefined && (s.assigneeId !== null) !== c.assigned) return false;
  return true;
}

/** Whether any condition of the list holds (an empty list: `whenEmpty`). */
export function anyHolds(list: readonly SlaCondition[], s: TicketSnapshot, whenEmpty: boolean): boolean {
  return list.length === 0 ? whenEmpty : list.some((c) => conditionHolds(c, s));
}

/** The snapshot field a reset field name reads. */
export function resetValue(field: string, s: TicketSnapshot): unknown {
  return (s as unknown as Record<string, unknown>)[field] ?? null;
}
