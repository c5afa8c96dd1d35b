/**
 * The change fields of a change ticket (change_details): reading them, and the rules every
 * write shares (type and template agree, an overridden risk carries its reason, windows end
 * after they start, the outcome comes with the implementation).
 */
import type { Selectable } from "kysely";
import type { ChangeFields, ChangeInput, ChangeRiskLevel } from "../../../contract/index.js";
import type { DbOrTrx, Trx } from "../../platform/db/schema.js";
import type { ChangeDetailsTable } from "../../platform/db/schema.changes.js";
import { ConflictError, ValidationError } from "../../platform/errors.js";
import type { FieldChange } from "../tickets/index.js";

/** The stored fields plus the authorization round (not part of the API's change fields). */
export type StoredChange = Omit<ChangeFields, "approvalStatus" | "conflicts"> & { round: number };

/** States in which the outcome may be recorded: once implementation has started. */
const OUTCOME_STATES = new Set(["implement", "review", "closed"]);
/** The type (and template) are settled once the change leaves New. */
const TYPE_STATES = new Set(["new"]);

/** Fields compared for the timeline and the audit trail. */
const TRACKED = [
  "type", "templateId", "justification", "implementationPlan", "backoutPlan", "testPlan", "risk", "computedRisk", "riskOverrideReason",
  "plannedStart", "plannedEnd", "actualStart", "actualEnd", "outcome", "review",
] as const;

/** The API shape of a change_details row. */
export function toFields(row: Selectable<ChangeDetailsTable>): StoredChange {
  return {
    type: row.type as ChangeFields["type"],
    templateId: row.template_id,
    justification: row.justification,
    implementationPlan: row.implementation_plan,
    backoutPlan: row.backout_plan,
    testPlan: row.test_plan,
    risk: row.risk as ChangeRiskLevel,
    computedRisk: row.computed_risk as ChangeRiskLevel,
    riskOverrideReason: row.risk_override_reason,
    plannedStart: iso(row.planned_start),
    plannedEnd: iso(row.planned_end),
    actualStart: iso(row.actual_start),
    actualEnd: iso(row.actual_end),
    outcome: row.outcome as ChangeFields["outcome"],
    review: row.review,
    round: Number(row.approval_round),
  };
}

/** Timestamps read back from PostgreSQL arrive as Date objects; the API speaks ISO strings. */
export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

/** The fields of a new change before its input is applied. */
export function blankChange(computedRisk: ChangeRiskLevel): StoredChange {
  return {
    type: "normal", templateId: null, justification: null, implementationPlan: null, backoutPlan: null, testPlan: null,
    risk: computedRisk, computedRisk, riskOverrideReason: null, plannedStart: null, plannedEnd: null, actualStart: null,
    actualEnd: null, outcome: null, review: null, round: 0,
  };
}

/** Loads one change's stored fields (null when the ticket has none). */
export async function loadStored(db: DbOrTrx, ticketId: string | number): Promise<StoredChange | null> {
  const row = await db.selectFrom("change_details").selectAll().where("ticket_id", "=", Number(ticketId)).executeTakeFirst();
  return row ? toFields(row) : null;
}

/** Blank text means "none". */
function text(value: string | null | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  return value === null || value.trim() === "" ? null : value;
}

function when(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  return new Date(value).toISOString();
}

/**
 * The fields after applying an input. `state` is the state the change is in (or heading to
 * with a transition); null on create.
 */
export function merge(before: StoredChange, input: ChangeInput | undefined, state: string | null): StoredChange {
  const next: StoredChange = { ...before };
  if (!input) return next;
  if (input.type !== undefined || input.templateId !== undefined) {
    const type = input.type ?? (input.templateId ? "standard" : before.type);
    const templateId = input.templateId !== undefined ? input.templateId : type === "standard" ? before.templateId : null;
    if ((type !== before.type || templateId !== before.templateId) && state !== null && !TYPE_STATES.has(state)) {
      throw new ConflictError("change.type_locked", "The type and template of a change are settled once it leaves New", { field: "change.type" });
    }
    next.type = type;
    next.templateId = templateId;
  }
  // Checked when the type is chosen; a template deleted later leaves its changes as they are.
  if (state === null || input.type !== undefined || input.templateId !== undefined) requireTemplateMatch(next);
  for (const key of ["justification", "implementationPlan", "backoutPlan", "testPlan", "review"] as const) {
    const value = text(input[key]);
    if (value !== undefined) next[key] = value;
  }
  for (const key of ["plannedStart", "plannedEnd", "actualStart", "actualEnd"] as const) {
    const value = when(input[key]);
    if (value !== undefined) next[key] = value;
  }
  if (next.plannedStart && next.plannedEnd && next.plannedEnd <= next.plannedStart) {
    throw new ValidationError("change.window_invalid", "The planned end must be after the planned start", { field: "change.plannedEnd" });
  }
  if (next.actualStart && next.actualEnd && next.actualEnd < next.actualStart) {
    throw new ValidationError("change.window_invalid", "The actual end cannot be before the actual start", { field: "change.actualEnd" });
  }
  if (input.outcome !== undefined) {
    if (input.outcome !== null && !OUTCOME_STATES.has(state ?? "new")) {
      throw new ConflictError("change.outcome_too_early", "The outcome is recorded once implementation has started", { field: "change.outcome" });
    }
    next.outcome = input.outcome;
  }
  applyRisk(next, input);
  return next;
}

/** Standard changes come from a template, and only they do. */
function requireTemplateMatch(next: StoredChange): void {
  if (next.type === "standard" && !next.templateId) {
    throw new ValidationError("change.template_required", "A standard change comes from a pre-approved template: send change.templateId", { field: "change.templateId" });
  }
  if (next.type !== "standard" && next.templateId) {
    throw new ValidationError("change.template_standard_only", "Only standard changes come from templates", { field: "change.type" });
  }
}

/** An explicit risk other than the computed one is an override and needs its reason. */
function applyRisk(next: StoredChange, input: ChangeInput): void {
  const reason = text(input.riskOverrideReason);
  if (input.risk !== undefined) {
    if (input.risk === next.computedRisk) {
      next.risk = input.risk;
      next.riskOverrideReason = null;
      return;
    }
    const why = reason ?? next.riskOverrideReason;
    if (!why) {
      throw new ValidationError("change.risk_reason_required", `The computed risk is ${next.computedRisk}; say why it is ${input.risk} in change.riskOverrideReason`, { field: "change.riskOverrideReason" });
    }
    next.risk = input.risk;
    next.riskOverrideReason = why;
  } else if (reason !== undefined && next.riskOverrideReason !== null) {
    if (reason === null) throw new ValidationError("change.risk_reason_required", "An overridden risk keeps its reason; set change.risk to the computed risk to drop the override", { field: "change.riskOverrideReason" });
    next.riskOverrideReason = reason;
  }
}

/** A new computed risk: followed unless the risk is overridden. */
export function withComputedRisk(fields: StoredChange, computed: ChangeRiskLevel): StoredChange {
  const next = { ...fields, computedRisk: computed };
  if (next.riskOverrideReason === null) next.risk = computed;
  else if (next.risk === computed) next.riskOverrideReason = null;
  return next;
}

/** What differs between two versions of the fields, named as the API names them. */
export function changesOf(before: StoredChange, after: StoredChange): FieldChange[] {
  return TRACKED.filter((k) => before[k] !== after[k]).map((k) => ({ field: `change.${k}`, from: before[k], to: after[k] }));
}

/** Writes the fields (insert or replace). */
export async function save(trx: Trx, ticketId: string | number, f: StoredChange): Promise<void> {
  const row = {
    type: f.type,
    template_id: f.templateId,
    justification: f.justification,
    implementation_plan: f.implementationPlan,
    backout_plan: f.backoutPlan,
    test_plan: f.testPlan,
    risk: f.risk,
    computed_risk: f.computedRisk,
    risk_override_reason: f.riskOverrideReason,
    planned_start: f.plannedStart,
    planned_end: f.plannedEnd,
    actual_start: f.actualStart,
    actual_end: f.actualEnd,
    outcome: f.outcome,
    review: f.review,
  };
  await trx
    .insertInto("change_details")
    .values({ ticket_id: Number(ticketId), ...row })
    .onConflict((oc) => oc.column("ticket_id").doUpdateSet(row))
    .execute();
}
