/** Change management: types, plans, risk, schedule, outcome and review. */
import { Type, type Static } from "@sinclair/typebox";

export const CHANGE_TYPES = ["standard", "normal", "emergency"] as const;
export const CHANGE_RISKS = ["low", "moderate", "high", "very_high"] as const;
export const CHANGE_OUTCOMES = ["successful", "successful_with_issues", "failed", "backed_out"] as const;

const literals = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description });
const Text = (description: string) => Type.Union([Type.String({ maxLength: 50_000, description }), Type.Null()]);
const When = (description: string) => Type.Union([Type.String({ format: "date-time", description }), Type.Null()]);

export const ChangeType = literals(CHANGE_TYPES, "standard (pre-approved template), normal or emergency");
export const ChangeRisk = literals(CHANGE_RISKS, "low, moderate, high or very_high");
export const ChangeOutcome = literals(CHANGE_OUTCOMES, "successful, successful_with_issues, failed or backed_out");

/** Change-specific fields of a ticket of kind change. */
export const ChangeFields = Type.Object(
  {
    type: ChangeType,
    templateId: Type.Union([Type.String(), Type.Null()]),
    justification: Type.Union([Type.String(), Type.Null()]),
    implementationPlan: Type.Union([Type.String(), Type.Null()]),
    backoutPlan: Type.Union([Type.String(), Type.Null()]),
    testPlan: Type.Union([Type.String(), Type.Null()]),
    risk: ChangeRisk,
    computedRisk: ChangeRisk,
    riskOverrideReason: Type.Union([Type.String(), Type.Null()]),
    plannedStart: Type.Union([Type.String(), Type.Null()]),
    plannedEnd: Type.Union([Type.String(), Type.Null()]),
    actualStart: Type.Union([Type.String(), Type.Null()]),
    actualEnd: Type.Union([Type.String(), Type.Null()]),
    outcome: Type.Union([ChangeOutcome, Type.Null()]),
    review: Type.Union([Type.String(), Type.Null()]),
  },
  { description: "Change fields" },
);
export type ChangeFields = Static<typeof ChangeFields>;

/** Change fields accepted on create, update and transitions. */
export const ChangeInput = Type.Object(
  {
    type: Type.Optional(ChangeType),
    templateId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    justification: Type.Optional(Text("Why the change is needed")),
    implementationPlan: Type.Optional(Text("Steps to implement")),
    backoutPlan: Type.Optional(Text("How to undo it")),
    testPlan: Type.Optional(Text("How success is verified")),
    risk: Type.Optional(ChangeRisk),
    riskOverrideReason: Type.Optional(Text("Why the risk differs from the computed one")),
    plannedStart: Type.Optional(When("Planned start")),
    plannedEnd: Type.Optional(When("Planned end")),
    actualStart: Type.Optional(When("Actual start")),
    actualEnd: Type.Optional(When("Actual end")),
    outcome: Type.Optional(Type.Union([ChangeOutcome, Type.Null()])),
    review: Type.Optional(Text("Post-implementation review")),
  },
  { additionalProperties: false, description: "Change fields to set" },
);
export type ChangeInput = Static<typeof ChangeInput>;
