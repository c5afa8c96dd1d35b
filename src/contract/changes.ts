/**
 * Change management: types, plans, risk, schedule, outcome and review; approval rules and
 * approvals (CAB), standard change templates, blackout windows, the change calendar and
 * scheduling conflicts.
 */
import { Type, type Static } from "@sinclair/typebox";
import { Id, ListOf, PageQuery, SortQuery, Timestamp } from "./common.js";

export const CHANGE_TYPES = ["standard", "normal", "emergency"] as const;
export const CHANGE_RISKS = ["low", "moderate", "high", "very_high"] as const;
export const CHANGE_OUTCOMES = ["successful", "successful_with_issues", "failed", "backed_out"] as const;
export const APPROVAL_RULE_KINDS = ["all", "any", "n_of"] as const;
export const APPROVAL_DECISIONS = ["pending", "approved", "rejected", "canceled"] as const;
export const APPROVAL_STATUSES = ["not_required", "not_requested", "pending", "approved", "rejected"] as const;
export const CONFLICT_TYPES = ["same_ci", "same_service", "blackout"] as const;

const literals = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description });
const Text = (description: string) => Type.Union([Type.String({ maxLength: 50_000, description }), Type.Null()]);
const When = (description: string) => Type.Union([Type.String({ format: "date-time", description }), Type.Null()]);
const Ref = Type.Object({ id: Type.String({ description: "Record id" }), name: Type.String({ description: "Display name" }) }, { description: "A referenced record's id and display name" });

export type ChangeType = (typeof CHANGE_TYPES)[number];
export type ChangeRiskLevel = (typeof CHANGE_RISKS)[number];
export const ChangeType = literals(CHANGE_TYPES, "standard (pre-approved template), normal or emergency");
export const ChangeRisk = literals(CHANGE_RISKS, "low, moderate, high or very_high");
export const ChangeOutcome = literals(CHANGE_OUTCOMES, "successful, successful_with_issues, failed or backed_out");
export const ApprovalStatus = literals(APPROVAL_STATUSES, "not_required (no approval rule applies), not_requested (not yet in Authorize), pending, approved or rejected");

/** A scheduling conflict of one change: another change on the same CI or service, or a blackout window. */
export const ChangeConflict = Type.Object(
  {
    type: literals(CONFLICT_TYPES, "same_ci (another change touches one of the CIs), same_service (another change touches the same business service) or blackout (inside a blackout window)"),
    change: Type.Union(
      [
        Type.Object({
          id: Type.String({ description: "Ticket id of the other change" }),
          number: Type.String({ description: "Number of the other change, e.g. CHG0001002" }),
          title: Type.String({ description: "Title of the other change" }),
          state: Type.String({ description: "State of the other change" }),
          plannedStart: Type.String({ format: "date-time", description: "Planned start of the other change" }),
          plannedEnd: Type.String({ format: "date-time", description: "Planned end of the other change" }),
        }),
        Type.Null(),
      ],
      { description: "The other change (same_ci, same_service)" },
    ),
    blackout: Type.Union(
      [Type.Object({ id: Type.String({ description: "Blackout id" }), name: Type.String({ description: "Blackout name" }), startsAt: Timestamp, endsAt: Timestamp }), Type.Null()],
      { description: "The blackout window (blackout)" },
    ),
    cis: Type.Array(Ref, { description: "The CIs or services both share (empty for a blackout that applies everywhere)" }),
  },
  { title: "ChangeConflict", description: "Why this change's window collides with something else" },
);
export type ChangeConflict = Static<typeof ChangeConflict>;

/** Change-specific fields of a ticket of kind change. */
export const ChangeFields = Type.Object(
  {
    type: ChangeType,
    templateId: Type.Union([Type.String(), Type.Null()], { description: "Standard change template it was created from" }),
    justification: Type.Union([Type.String(), Type.Null()], { description: "Why the change is needed" }),
    implementationPlan: Type.Union([Type.String(), Type.Null()], { description: "Steps to implement" }),
    backoutPlan: Type.Union([Type.String(), Type.Null()], { description: "How to undo it" }),
    testPlan: Type.Union([Type.String(), Type.Null()], { description: "How success is verified" }),
    risk: ChangeRisk,
    computedRisk: ChangeRisk,
    riskOverrideReason: Type.Union([Type.String(), Type.Null()], { description: "Why the risk differs from the computed one (null: not overridden)" }),
    plannedStart: Type.Union([Type.String(), Type.Null()], { description: "Planned start" }),
    plannedEnd: Type.Union([Type.String(), Type.Null()], { description: "Planned end" }),
    actualStart: Type.Union([Type.String(), Type.Null()], { description: "When implementation started" }),
    actualEnd: Type.Union([Type.String(), Type.Null()], { description: "When implementation ended" }),
    outcome: Type.Union([ChangeOutcome, Type.Null()]),
    review: Type.Union([Type.String(), Type.Null()], { description: "Post-implementation review" }),
    approvalStatus: Type.Optional(ApprovalStatus),
    conflicts: Type.Optional(Type.Array(ChangeConflict, { description: "Scheduling conflicts of the planned window (open changes with a planned window)" })),
  },
  { description: "Change fields" },
);
export type ChangeFields = Static<typeof ChangeFields>;

/** Change fields accepted on create, update and transitions. */
export const ChangeInput = Type.Object(
  {
    type: Type.Optional(ChangeType),
    templateId: Type.Optional(Type.Union([Type.String({ maxLength: 64, description: "Standard change template (makes a standard change)" }), Type.Null()])),
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

const Name = Type.String({ minLength: 1, maxLength: 200, description: "Unique name" });
const LongText = (description: string) => Type.String({ maxLength: 50_000, description });

/** Route parameters of a record with a text id. */
export const ChangeRecordParams = Type.Object({ id: Id }, { additionalProperties: false });

// ---- Approval rules and approvals -------------------------------------------------------

export const ApprovalRuleKind = literals(APPROVAL_RULE_KINDS, "all (every member approves), any (one member approves) or n_of (`required` members approve)");

export const ChangeApprovalRule = Type.Object(
  {
    id: Id,
    name: Type.String({ description: "Rule name, e.g. CAB for high-risk changes" }),
    changeTypes: Type.Array(ChangeType, { description: "Change types the rule applies to (empty: normal and emergency)" }),
    risks: Type.Array(ChangeRisk, { description: "Risks the rule applies to (empty: every risk)" }),
    group: Ref,
    rule: ApprovalRuleKind,
    required: Type.Integer({ description: "Approvals needed: 1 for any, N for n_of, 0 for all (every active member when a round starts)" }),
    active: Type.Boolean({ description: "Inactive rules are kept but not applied" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: "ChangeApprovalRule", description: "Who must approve which changes: an approver group (CAB) and how many of its members" },
);
export type ChangeApprovalRule = Static<typeof ChangeApprovalRule>;

const RuleTypes = Type.Array(literals(["normal", "emergency"] as const, "normal or emergency (standard changes are pre-approved)"), { maxItems: 2, uniqueItems: true, description: "Change types the rule applies to (empty: normal and emergency)" });
const RuleRisks = Type.Array(ChangeRisk, { maxItems: 4, uniqueItems: true, description: "Risks the rule applies to (empty: every risk)" });
const RuleRequired = Type.Integer({ minimum: 1, maximum: 100, description: "For n_of: how many members must approve" });

export const CreateApprovalRuleBody = Type.Object(
  {
    name: Name,
    changeTypes: Type.Optional(RuleTypes),
    risks: Type.Optional(RuleRisks),
    groupId: Type.String({ minLength: 1, maxLength: 64, description: "Approver group" }),
    rule: ApprovalRuleKind,
    required: Type.Optional(RuleRequired),
    active: Type.Optional(Type.Boolean({ description: "Applied to new approval rounds (default true)" })),
  },
  { additionalProperties: false },
);
export type CreateApprovalRuleBody = Static<typeof CreateApprovalRuleBody>;
export const UpdateApprovalRuleBody = Type.Partial(CreateApprovalRuleBody, { additionalProperties: false, minProperties: 1 });
export type UpdateApprovalRuleBody = Static<typeof UpdateApprovalRuleBody>;
export const ListApprovalRulesQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: "Search in the name" })),
    sort: SortQuery(["name", "createdAt"]),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListApprovalRulesQuery = Static<typeof ListApprovalRulesQuery>;
export const ChangeApprovalRuleList = ListOf(ChangeApprovalRule, "A page of approval rules");

export const ChangeApproval = Type.Object(
  {
    id: Type.String({ description: "Approval request id" }),
    round: Type.Integer({ description: "Authorization round; each entry into Authorize starts a new one" }),
    ruleId: Type.Union([Type.String(), Type.Null()], { description: "Rule that asked for it (null once the rule is deleted)" }),
    ruleName: Type.String({ description: "Rule name when requested" }),
    group: Ref,
    approver: Ref,
    decision: literals(APPROVAL_DECISIONS, "pending, approved, rejected or canceled (the round ended without this decision)"),
    comment: Type.Union([Type.String(), Type.Null()], { description: "The approver's comment" }),
    decidedAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
  },
  { title: "ChangeApproval", description: "One approver's approval request on a change" },
);
export type ChangeApproval = Static<typeof ChangeApproval>;

export const ChangeApprovalRuleProgress = Type.Object(
  {
    ruleId: Type.Union([Type.String(), Type.Null()], { description: "Rule id" }),
    ruleName: Type.String({ description: "Rule name" }),
    group: Ref,
    rule: ApprovalRuleKind,
    required: Type.Integer({ description: "Approvals needed" }),
    approved: Type.Integer({ description: "Approvals given" }),
    met: Type.Boolean({ description: "The rule is satisfied" }),
  },
  { description: "How far one rule of the current round is" },
);

export const ChangeApprovals = Type.Object(
  {
    status: ApprovalStatus,
    round: Type.Integer({ description: "Current round (0: never requested)" }),
    rules: Type.Array(ChangeApprovalRuleProgress, { description: "Progress of each rule in the current round" }),
    items: Type.Array(ChangeApproval, { description: "Every approval request of every round, newest round first" }),
  },
  { title: "ChangeApprovals", description: "Approvals of a change" },
);
export type ChangeApprovals = Static<typeof ChangeApprovals>;

export const ApprovalDecisionBody = Type.Object(
  { comment: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000, description: "Why; required to reject" })) },
  { additionalProperties: false },
);
export type ApprovalDecisionBody = Static<typeof ApprovalDecisionBody>;

// ---- Standard change templates ----------------------------------------------------------

export const ChangeTemplate = Type.Object(
  {
    id: Id,
    name: Type.String({ description: "Template name, e.g. Restart web server" }),
    description: Type.String({ description: "When to use it" }),
    title: Type.String({ description: "Pre-filled change title" }),
    category: Type.Union([Type.String(), Type.Null()], { description: "Pre-filled category" }),
    justification: Type.Union([Type.String(), Type.Null()], { description: "Pre-filled justification" }),
    implementationPlan: Type.Union([Type.String(), Type.Null()], { description: "Pre-approved implementation plan" }),
    backoutPlan: Type.Union([Type.String(), Type.Null()], { description: "Pre-approved backout plan" }),
    testPlan: Type.Union([Type.String(), Type.Null()], { description: "Pre-approved test plan" }),
    risk: ChangeRisk,
    durationMinutes: Type.Union([Type.Integer(), Type.Null()], { description: "Usual duration; fills the planned end from the planned start" }),
    active: Type.Boolean({ description: "Only active templates can be used" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: "ChangeTemplate", description: "A pre-approved standard change" },
);
export type ChangeTemplate = Static<typeof ChangeTemplate>;

const NullableText = (description: string) => Type.Union([LongText(description), Type.Null()]);
const templateFields = {
  description: Type.Optional(LongText("When to use it")),
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: "Pre-filled change title (default: the name)" })),
  category: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 120 }), Type.Null()], { description: "Pre-filled category" })),
  justification: Type.Optional(NullableText("Pre-filled justification")),
  implementationPlan: Type.Optional(NullableText("Pre-approved implementation plan")),
  backoutPlan: Type.Optional(NullableText("Pre-approved backout plan")),
  testPlan: Type.Optional(NullableText("Pre-approved test plan")),
  risk: Type.Optional(ChangeRisk),
  durationMinutes: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 525_600 }), Type.Null()], { description: "Usual duration in minutes" })),
  active: Type.Optional(Type.Boolean({ description: "Only active templates can be used (default true)" })),
};
export const CreateChangeTemplateBody = Type.Object({ name: Name, ...templateFields }, { additionalProperties: false });
export type CreateChangeTemplateBody = Static<typeof CreateChangeTemplateBody>;
export const UpdateChangeTemplateBody = Type.Object({ name: Type.Optional(Name), ...templateFields }, { additionalProperties: false, minProperties: 1 });
export type UpdateChangeTemplateBody = Static<typeof UpdateChangeTemplateBody>;
export const ListChangeTemplatesQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: "Search in name and description" })),
    active: Type.Optional(Type.Boolean({ description: "Only active (true) or inactive (false) templates" })),
    sort: SortQuery(["name", "createdAt"]),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListChangeTemplatesQuery = Static<typeof ListChangeTemplatesQuery>;
export const ChangeTemplateList = ListOf(ChangeTemplate, "A page of standard change templates");

// ---- Blackout windows, calendar and conflicts -------------------------------------------

export const ChangeBlackout = Type.Object(
  {
    id: Id,
    name: Type.String({ description: "e.g. Year-end freeze" }),
    description: Type.String({ description: "Why changes are frozen" }),
    startsAt: Timestamp,
    endsAt: Timestamp,
    cis: Type.Array(Ref, { description: "CIs or services it applies to (empty: every change)" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: "ChangeBlackout", description: "A window in which changes should not be implemented" },
);
export type ChangeBlackout = Static<typeof ChangeBlackout>;

const blackoutFields = {
  description: Type.Optional(LongText("Why changes are frozen")),
  startsAt: Type.String({ format: "date-time", description: "Start of the window" }),
  endsAt: Type.String({ format: "date-time", description: "End of the window (after the start)" }),
  ciIds: Type.Optional(Type.Array(Id, { maxItems: 500, uniqueItems: true, description: "CIs or services it applies to (empty: every change)" })),
};
export const CreateChangeBlackoutBody = Type.Object({ name: Name, ...blackoutFields }, { additionalProperties: false });
export type CreateChangeBlackoutBody = Static<typeof CreateChangeBlackoutBody>;
export const UpdateChangeBlackoutBody = Type.Partial(CreateChangeBlackoutBody, { additionalProperties: false, minProperties: 1 });
export type UpdateChangeBlackoutBody = Static<typeof UpdateChangeBlackoutBody>;
export const ListChangeBlackoutsQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: "date-time", description: "Only windows ending after this" })),
    to: Type.Optional(Type.String({ format: "date-time", description: "Only windows starting before this" })),
    sort: SortQuery(["startsAt", "name"]),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListChangeBlackoutsQuery = Static<typeof ListChangeBlackoutsQuery>;
export const ChangeBlackoutList = ListOf(ChangeBlackout, "A page of blackout windows");

export const ChangeCalendarQuery = Type.Object(
  {
    from: Type.String({ format: "date-time", description: "Start of the range (e.g. the first day of the month or week shown)" }),
    to: Type.String({ format: "date-time", description: "End of the range, at most 93 days after the start" }),
    ciId: Type.Optional(Type.String({ maxLength: 64, description: "Only changes touching this CI (main or affected) or impacting this service" })),
    includeClosed: Type.Optional(Type.Boolean({ description: "Also show closed and canceled changes (default false)" })),
  },
  { additionalProperties: false },
);
export type ChangeCalendarQuery = Static<typeof ChangeCalendarQuery>;

export const ChangeCalendarEntry = Type.Object(
  {
    id: Type.String({ description: "Ticket id" }),
    number: Type.String({ description: "Change number" }),
    title: Type.String(),
    state: Type.String(),
    type: ChangeType,
    risk: ChangeRisk,
    plannedStart: Timestamp,
    plannedEnd: Timestamp,
    ci: Type.Union([Ref, Type.Null()], { description: "Main CI" }),
    conflicts: Type.Array(ChangeConflict, { description: "Conflicts of this change's window" }),
  },
  { description: "A change on the calendar" },
);
export const ChangeCalendar = Type.Object(
  {
    from: Timestamp,
    to: Timestamp,
    changes: Type.Array(ChangeCalendarEntry, { description: "Changes whose planned window overlaps the range, by planned start" }),
    blackouts: Type.Array(ChangeBlackout, { description: "Blackout windows overlapping the range" }),
  },
  { title: "ChangeCalendar", description: "Changes and blackout windows in a date range" },
);
export type ChangeCalendar = Static<typeof ChangeCalendar>;
export const ChangeConflictList = Type.Object({ items: Type.Array(ChangeConflict) }, { description: "Conflicts of a change's planned window" });

export const ChangeImpact = Type.Object(
  {
    computedRisk: ChangeRisk,
    risk: ChangeRisk,
    cis: Type.Array(Ref, { description: "The change's CIs (main and affected)" }),
    services: Type.Array(Ref, { description: "Business services impacted (from the CMDB)" }),
  },
  { title: "ChangeImpact", description: "Impacted services and risk, recomputed from the CMDB" },
);
export type ChangeImpact = Static<typeof ChangeImpact>;
