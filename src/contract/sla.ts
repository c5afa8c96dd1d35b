/** Service level management: business calendars (working hours, holidays, time zone). */
import { Type, type Static, type TLiteral, type TSchema, type TUnion } from "@sinclair/typebox";

/** Weekdays in ISO order (Monday first), the keys of a calendar's working hours. */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const WallTime = (description: string, allow24: boolean) =>
  Type.String({ pattern: allow24 ? "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$" : "^([01][0-9]|2[0-3]):[0-5][0-9]$", description });
const IsoDate = (description: string) => Type.String({ pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description });
const HolidayName = Type.Optional(Type.String({ maxLength: 120, description: "What the day is, e.g. Christmas Day" }));

export const WorkingInterval = Type.Object(
  {
    start: WallTime("Local wall-clock start, HH:MM (00:00-23:59)", false),
    end: WallTime("Local wall-clock end, HH:MM, after start; 24:00 means midnight at the end of the day", true),
  },
  { additionalProperties: false, description: "One span of working time on a weekday, in the calendar's time zone" },
);
export type WorkingInterval = Static<typeof WorkingInterval>;

const DayHours = Type.Array(WorkingInterval, {
  maxItems: 24,
  description: "Working intervals of the day; none (or the key left out) means a day off. Intervals may touch but not overlap",
});

export const WeeklyHours = Type.Object(
  {
    mon: Type.Optional(DayHours),
    tue: Type.Optional(DayHours),
    wed: Type.Optional(DayHours),
    thu: Type.Optional(DayHours),
    fri: Type.Optional(DayHours),
    sat: Type.Optional(DayHours),
    sun: Type.Optional(DayHours),
  },
  { additionalProperties: false, description: "Working hours per weekday (mon..sun)" },
);
export type WeeklyHours = Static<typeof WeeklyHours>;

export const Holiday = Type.Union(
  [
    Type.Object(
      { kind: Type.Literal("date"), date: IsoDate("The day off, YYYY-MM-DD, in the calendar's time zone"), name: HolidayName },
      { additionalProperties: false, description: "A single day off" },
    ),
    Type.Object(
      { kind: Type.Literal("range"), from: IsoDate("First day off, YYYY-MM-DD"), to: IsoDate("Last day off (inclusive), YYYY-MM-DD"), name: HolidayName },
      { additionalProperties: false, description: "Consecutive days off, both ends included" },
    ),
    Type.Object(
      { kind: Type.Literal("yearly"), monthDay: Type.String({ pattern: "^[0-9]{2}-[0-9]{2}$", description: "MM-DD, e.g. 12-25; 02-29 applies in leap years only" }), name: HolidayName },
      { additionalProperties: false, description: "The same day off every year" },
    ),
  ],
  { description: "A day off: kind date, range or yearly. The whole local day (00:00-24:00) is not working time" },
);
export type Holiday = Static<typeof Holiday>;

export const CalendarDefinition = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120, description: "Calendar name, e.g. Berlin office hours" }),
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: "IANA time zone the hours and holidays are read in, e.g. Europe/Berlin" }),
    hours: WeeklyHours,
    holidays: Type.Optional(Type.Array(Holiday, { maxItems: 2000, description: "Days off; default none" })),
  },
  { additionalProperties: false, title: "BusinessCalendar", description: "When SLA clocks count: working hours per weekday in a time zone, minus holidays" },
);
export type CalendarDefinition = Static<typeof CalendarDefinition>;

// ---------- stored calendars ----------

const Nullable = <T extends TSchema>(t: T, description?: string) => Type.Union([t, Type.Null()], description ? { description } : {});
const Str = (description: string, max = 200) => Type.String({ minLength: 1, maxLength: max, description });
const literals = <const T extends readonly string[]>(values: T, description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description }) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K] & string> }>;

/** The id of the built-in calendar that always works. */
export const CALENDAR_24X7_ID = "24x7";

export const SlaCalendar = Type.Object(
  {
    id: Type.String({ description: "Calendar id; the built-in always-working calendar is `24x7`" }),
    name: Type.String({ description: "Calendar name" }),
    timeZone: Type.String({ description: "IANA time zone" }),
    hours: WeeklyHours,
    holidays: Type.Array(Holiday, { description: "Days off" }),
    builtIn: Type.Boolean({ description: "True for the built-in 24x7 calendar, which cannot be edited or deleted" }),
    version: Type.Integer({ description: "Increases with every edit; send it back to detect concurrent edits" }),
    createdAt: Type.String({ format: "date-time", description: "When it was created" }),
    updatedAt: Type.String({ format: "date-time", description: "When it was last changed" }),
  },
  { title: "SlaCalendar", description: "A stored business calendar" },
);
export type SlaCalendar = Static<typeof SlaCalendar>;
export const SlaCalendarList = Type.Object({ items: Type.Array(SlaCalendar, { description: "Every calendar, by name" }) }, { description: "Business calendars" });
export const UpdateCalendarBody = Type.Object(
  {
    name: Type.Optional(CalendarDefinition.properties.name),
    timeZone: Type.Optional(CalendarDefinition.properties.timeZone),
    hours: Type.Optional(WeeklyHours),
    holidays: Type.Optional(Type.Array(Holiday, { maxItems: 2000, description: "Days off (replaces the list)" })),
    version: Type.Optional(Type.Integer({ description: "The version you edited; 409 sla.stale when it changed meanwhile" })),
  },
  { additionalProperties: false, minProperties: 1, description: "Fields of a calendar to change" },
);
export type UpdateCalendarBody = Static<typeof UpdateCalendarBody>;

// ---------- definitions ----------

export const SLA_TYPES = ["sla", "ola", "uc"] as const;
export const SLA_TARGETS = ["response", "resolution"] as const;
export const TICKET_SLA_STATES = ["in_progress", "paused", "achieved", "breached", "cancelled"] as const;
export type TicketSlaState = (typeof TICKET_SLA_STATES)[number];
/** Ticket fields whose change can reset an SLA's clock. */
export const SLA_RESET_FIELDS = ["priority", "impact", "urgency", "assignmentGroupId", "category", "ciId"] as const;

export const SlaType = literals(SLA_TYPES, "sla (agreement with customers), ola (internal group) or uc (underpinning contract with a vendor)");
export const SlaTarget = literals(SLA_TARGETS, "response (time to first assignment or acknowledgement) or resolution (time to resolve)");
export const TicketSlaState = literals(TICKET_SLA_STATES, "in_progress, paused, achieved (stopped within target), breached (target used up) or cancelled");

export const SlaAppliesTo = Type.Object(
  {
    kinds: Type.Optional(Type.Array(Str("Ticket kind: incident, problem, change, request or task", 16), { maxItems: 5, description: "Ticket kinds; any when left out" })),
    priorities: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 5, description: "Priority 1-5" }), { maxItems: 5, description: "Priorities; any when left out" })),
    serviceIds: Type.Optional(Type.Array(Str("Business service CI id", 64), { maxItems: 200, description: "Services the ticket impacts (any of them); any when left out" })),
    ciClasses: Type.Optional(Type.Array(Str("CI class name", 64), { maxItems: 100, description: "Class of the ticket's CI; any when left out" })),
    requesterGroupIds: Type.Optional(Type.Array(Str("Group id", 64), { maxItems: 100, description: "Groups the requester belongs to (any of them); any when left out" })),
    assignmentGroupIds: Type.Optional(Type.Array(Str("Group id", 64), { maxItems: 100, description: "Assignment group of the ticket (for OLAs); any when left out" })),
    categories: Type.Optional(Type.Array(Str("Category", 120), { maxItems: 100, description: "Ticket categories; any when left out" })),
  },
  { additionalProperties: false, description: "Which tickets the definition applies to: every listed condition must hold; an empty object applies to every ticket" },
);
export type SlaAppliesTo = Static<typeof SlaAppliesTo>;

export const SlaCondition = Type.Object(
  {
    states: Type.Optional(Type.Array(Str("State name, e.g. on_hold", 40), { maxItems: 20, description: "The ticket is in one of these states" })),
    onHoldReasons: Type.Optional(Type.Array(Str("On-hold reason, e.g. awaiting_caller", 40), { maxItems: 10, description: "The ticket waits for one of these reasons" })),
    assigned: Type.Optional(Type.Boolean({ description: "The ticket has (true) or has no (false) assignee" })),
  },
  { additionalProperties: false, description: "A condition on the ticket: every listed part must hold" },
);
export type SlaCondition = Static<typeof SlaCondition>;
const Conditions = (description: string) => Type.Array(SlaCondition, { maxItems: 10, description: `${description}; any one of the conditions suffices` });

export const SlaDefinitionInput = Type.Object(
  {
    name: Str("Name, e.g. P1 incident resolution", 120),
    description: Type.Optional(Type.String({ maxLength: 2000, description: "What the agreement says" })),
    type: Type.Optional(SlaType),
    target: SlaTarget,
    durationMinutes: Type.Integer({ minimum: 1, maximum: 525_600, description: "Agreed business time in minutes" }),
    calendarId: Type.Optional(Str("Business calendar id; default 24x7", 64)),
    appliesTo: Type.Optional(SlaAppliesTo),
    startWhen: Type.Optional(Conditions("When the clock starts (default: as soon as the definition applies)")),
    pauseWhen: Type.Optional(Conditions("When the clock pauses (default: On hold awaiting caller or vendor)")),
    stopWhen: Type.Optional(Conditions("When the clock stops (default response: assigned, in progress or resolved; resolution: resolved or closed)")),
    cancelWhen: Type.Optional(Conditions("When the SLA is cancelled (default: canceled)")),
    resetOn: Type.Optional(Type.Array(literals(SLA_RESET_FIELDS, "A ticket field"), { maxItems: 6, description: "Fields whose change restarts the clock (default: priority)" })),
    retroactiveStart: Type.Optional(Type.Boolean({ description: "When the definition starts applying later (e.g. priority raised), count from the ticket's creation; default false" })),
    warnings: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 99, description: "Percent of the target" }), { maxItems: 5, description: "Warning thresholds in percent (default 50, 75, 90)" })),
    active: Type.Optional(Type.Boolean({ description: "Inactive definitions attach to no new ticket; default true" })),
  },
  { additionalProperties: false, description: "An SLA, OLA or underpinning contract definition" },
);
export type SlaDefinitionInput = Static<typeof SlaDefinitionInput>;
export const UpdateSlaDefinitionBody = Type.Composite([Type.Partial(SlaDefinitionInput), Type.Object({ version: Type.Optional(Type.Integer({ description: "The version you edited; 409 sla.stale when it changed meanwhile" })) })], {
  additionalProperties: false,
  minProperties: 1,
  description: "Fields of a definition to change; tickets already measured keep the definition they started with",
});
export type UpdateSlaDefinitionBody = Static<typeof UpdateSlaDefinitionBody>;

export const SlaDefinition = Type.Object(
  {
    id: Type.String({ description: "Definition id" }),
    name: Type.String({ description: "Name" }),
    description: Type.String({ description: "What the agreement says" }),
    type: SlaType,
    target: SlaTarget,
    durationMinutes: Type.Integer({ description: "Agreed business time in minutes" }),
    calendarId: Type.String({ description: "Business calendar id" }),
    appliesTo: SlaAppliesTo,
    startWhen: Type.Array(SlaCondition, { description: "Start conditions (empty: starts as soon as it applies)" }),
    pauseWhen: Type.Array(SlaCondition, { description: "Pause conditions" }),
    stopWhen: Type.Array(SlaCondition, { description: "Stop conditions" }),
    cancelWhen: Type.Array(SlaCondition, { description: "Cancel conditions" }),
    resetOn: Type.Array(Type.String(), { description: "Fields whose change restarts the clock" }),
    retroactiveStart: Type.Boolean({ description: "Counts from the ticket's creation when it starts applying later" }),
    warnings: Type.Array(Type.Integer(), { description: "Warning thresholds in percent" }),
    active: Type.Boolean({ description: "Attaches to new tickets" }),
    version: Type.Integer({ description: "Increases with every edit" }),
    createdAt: Type.String({ format: "date-time", description: "When it was created; it attaches to ticket changes from then on" }),
    updatedAt: Type.String({ format: "date-time", description: "When it was last changed" }),
  },
  { title: "SlaDefinition", description: "An SLA, OLA or underpinning contract definition" },
);
export type SlaDefinition = Static<typeof SlaDefinition>;
export const SlaDefinitionList = Type.Object({ items: Type.Array(SlaDefinition, { description: "Definitions by name" }) }, { description: "SLA definitions" });

// ---------- ticket SLAs ----------

export const SlaHistoryEntry = Type.Object(
  {
    type: literals(["started", "paused", "resumed", "warning", "breached", "achieved", "cancelled"] as const, "What happened"),
    at: Type.String({ format: "date-time", description: "When it happened (ticket time, not processing time)" }),
    text: Type.String({ description: "The entry in words, e.g. \"paused while On hold (awaiting caller)\"" }),
    percent: Nullable(Type.Integer(), "Warning threshold for warnings"),
  },
  { description: "One entry of an SLA's history" },
);
export type SlaHistoryEntry = Static<typeof SlaHistoryEntry>;

export const SlaPauseEntry = Type.Object(
  {
    pausedAt: Type.String({ format: "date-time", description: "Pause start" }),
    resumedAt: Nullable(Type.String({ format: "date-time" }), "Pause end; null while paused"),
    reason: Type.String({ description: "Why, e.g. On hold (awaiting caller)" }),
    businessMs: Type.Integer({ description: "Business time inside the pause (what it added to the deadline)" }),
    text: Type.String({ description: "The pause in words, e.g. paused 2h 10m while On hold (awaiting caller)" }),
  },
  { description: "One pause of the clock" },
);

export const TicketSla = Type.Object(
  {
    id: Type.String({ description: "Ticket SLA id" }),
    ticketId: Type.String({ description: "Ticket id" }),
    ticketNumber: Type.String({ description: "Ticket number" }),
    definitionId: Type.String({ description: "Definition id" }),
    name: Type.String({ description: "Definition name (as when the SLA started)" }),
    type: SlaType,
    target: SlaTarget,
    cycle: Type.Integer({ description: "1 for the first clock; higher after a reset" }),
    state: TicketSlaState,
    breached: Type.Boolean({ description: "The target has been used up (a breached SLA may still be running)" }),
    startedAt: Type.String({ format: "date-time", description: "When the clock started" }),
    stoppedAt: Nullable(Type.String({ format: "date-time" }), "When it was achieved, stopped after a breach, or cancelled"),
    dueAt: Nullable(Type.String({ format: "date-time" }), "Planned breach time (the actual one once breached); null while paused"),
    targetMs: Type.Integer({ description: "Agreed business time in ms" }),
    elapsedMs: Type.Integer({ description: "Business time used so far (or until stopped)" }),
    remainingMs: Type.Integer({ description: "targetMs - elapsedMs; negative once breached" }),
    pausedMs: Type.Integer({ description: "Business time spent paused" }),
    percent: Type.Number({ description: "elapsedMs / targetMs * 100 (not capped)" }),
    calendarId: Type.String({ description: "Business calendar the clock counts in" }),
    cancelReason: Nullable(Type.String(), "Why it was cancelled"),
    explanation: Type.String({ description: "The clock in words, e.g. \"2h 5m of 4h used; paused 2h 10m while On hold (awaiting caller)\"" }),
    pauses: Type.Optional(Type.Array(SlaPauseEntry, { description: "Every pause (ticket page only)" })),
    history: Type.Optional(Type.Array(SlaHistoryEntry, { description: "Start, pauses, resumes, warnings, breach and stop (ticket page only)" })),
    computedAt: Type.String({ format: "date-time", description: "The moment the figures are computed for" }),
  },
  { title: "TicketSla", description: "One SLA clock on a ticket" },
);
export type TicketSla = Static<typeof TicketSla>;
export const TicketSlaItems = Type.Object({ items: Type.Array(TicketSla, { description: "The ticket's SLAs, oldest first" }) }, { description: "SLAs of one ticket" });

export const ListSlasQuery = Type.Object(
  {
    ticketIds: Type.Optional(Type.String({ pattern: "^[0-9]+(,[0-9]+){0,199}$", description: "Comma-separated ticket ids (up to 200): the SLAs of these tickets, for list indicators" })),
    state: Type.Optional(Type.String({ pattern: "^[a-z_]+(,[a-z_]+)*$", description: "Comma list of states: in_progress, paused, achieved, breached, cancelled" })),
    definitionId: Type.Optional(Str("Definition id", 64)),
    breached: Type.Optional(Type.Boolean({ description: "Only breached (true) or not breached (false)" })),
    sort: Type.Optional(Type.Union(["dueAt", "-dueAt", "startedAt", "-startedAt"].map((v) => Type.Literal(v)), { description: "dueAt (default, soonest first), startedAt; - for descending" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: "Page size (1-1000)" })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: "Rows to skip" })),
  },
  { additionalProperties: false },
);
export type ListSlasQuery = Static<typeof ListSlasQuery>;
export const TicketSlaList = Type.Object(
  {
    items: Type.Array(TicketSla, { description: "Ticket SLAs" }),
    total: Type.Integer({ description: "Rows matching the filters" }),
    limit: Type.Integer({ description: "Page size" }),
    offset: Type.Integer({ description: "Rows skipped" }),
  },
  { description: "A page of ticket SLAs" },
);

export const SlaPreviewBody = Type.Object(
  {
    ticket: Type.String({ minLength: 1, maxLength: 32, pattern: "^([A-Za-z]{3,4}[0-9]{7,}|[0-9]+)$", description: "Ticket number or id to test against" }),
    definition: SlaDefinitionInput,
  },
  { additionalProperties: false, description: "A definition (saved or not) and a ticket to test it against" },
);
export type SlaPreviewBody = Static<typeof SlaPreviewBody>;
export const SlaPreview = Type.Object(
  {
    applies: Type.Boolean({ description: "The definition applies to the ticket at some point of its history" }),
    reasons: Type.Array(Type.String(), { description: "Why it does not apply now (conditions that fail)" }),
    items: Type.Array(TicketSla, { description: "The clocks the definition would have run on the ticket" }),
  },
  { description: "What a definition would do on a ticket" },
);

// ---------- compliance report ----------

export const SLA_REPORT_DIMENSIONS = ["definition", "group", "service", "priority", "period"] as const;
export const SlaReportQuery = Type.Object(
  {
    groupBy: Type.Optional(literals(SLA_REPORT_DIMENSIONS, "Rows by definition (default), assignment group, service, priority or period")),
    from: Type.Optional(Type.String({ format: "date-time", description: "SLAs started at or after (default: 30 days ago)" })),
    to: Type.Optional(Type.String({ format: "date-time", description: "SLAs started before (default: now)" })),
    interval: Type.Optional(literals(["day", "week", "month"] as const, "Period length for groupBy=period and the chart (default day)")),
    definitionId: Type.Optional(Str("Only this definition", 64)),
    type: Type.Optional(SlaType),
  },
  { additionalProperties: false },
);
export type SlaReportQuery = Static<typeof SlaReportQuery>;
export const SlaReportRow = Type.Object(
  {
    key: Nullable(Type.String(), "Group key (id, priority, period start); null for none (no group, no service)"),
    label: Type.String({ description: "What people read" }),
    total: Type.Integer({ description: "SLAs counted (not cancelled)" }),
    met: Type.Integer({ description: "Achieved within target" }),
    breached: Type.Integer({ description: "Breached (stopped or still running)" }),
    inProgress: Type.Integer({ description: "Still running within target" }),
    compliancePercent: Nullable(Type.Number(), "met / (met + breached) * 100; null when nothing finished"),
  },
  { description: "One row of the compliance report" },
);
export type SlaReportRow = Static<typeof SlaReportRow>;
export const SlaReport = Type.Object(
  {
    groupBy: Type.String({ description: "The dimension of the rows" }),
    from: Type.String({ format: "date-time", description: "Period start" }),
    to: Type.String({ format: "date-time", description: "Period end" }),
    rows: Type.Array(SlaReportRow, { description: "Rows, largest first (periods in time order)" }),
    totals: SlaReportRow,
    series: Type.Array(SlaReportRow, { description: "The same figures per period, for the chart" }),
  },
  { description: "SLA compliance" },
);
export type SlaReport = Static<typeof SlaReport>;
