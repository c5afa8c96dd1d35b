/**
 * Problem management: root cause, workaround, known errors, action items, the incidents a
 * problem causes and the suggestions of problems from recurring incidents.
 * (tickets.ts imports this file, so nothing here may import tickets.ts.)
 */
import { Type, type Static } from "@sinclair/typebox";
import { Id, ListOf, PageQuery } from "./common.js";

/** Problem-specific fields of a ticket of kind problem. */
export const ProblemFields = Type.Object(
  {
    rootCause: Type.Union([Type.String(), Type.Null()], { description: "What causes the incidents (Markdown)" }),
    workaround: Type.Union([Type.String(), Type.Null()], { description: "How to restore service until the fix is in (Markdown)" }),
    knownError: Type.Boolean({ description: "Listed in the known error database" }),
    knownErrorAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()], { description: "When the problem became a known error" }),
  },
  { description: "Problem fields" },
);
export type ProblemFields = Static<typeof ProblemFields>;

/** Problem fields accepted on create, update and transitions. */
export const ProblemInput = Type.Object(
  {
    rootCause: Type.Optional(Type.Union([Type.String({ maxLength: 20_000 }), Type.Null()], { description: "What causes the incidents; required to start the fix and to resolve" })),
    workaround: Type.Optional(Type.Union([Type.String({ maxLength: 20_000 }), Type.Null()], { description: "How to restore service until the fix is in" })),
    knownError: Type.Optional(Type.Boolean({ description: "List the problem in the known error database (needs a workaround or a root cause)" })),
  },
  { additionalProperties: false, description: "Problem fields to set" },
);
export type ProblemInput = Static<typeof ProblemInput>;

/** A ticket number (PRB0001001) or numeric id, as in tickets.ts (not imported: it imports this file). */
const RefOf = (description: string) => Type.String({ minLength: 1, maxLength: 32, pattern: "^([A-Za-z]{3,4}[0-9]{7,}|[0-9]+)$", description });
const Ref = RefOf("Ticket number (e.g. INC0001001) or id");
const NamedRef = Type.Object(
  { id: Type.String({ description: "Id of the referenced record" }), name: Type.String({ description: "Its display name" }) },
  { description: "A referenced record's id and display name" },
);
const NullableNamedRef = (description: string) => Type.Union([NamedRef, Type.Null()], { description });
const NullableText = (description: string) => Type.Union([Type.String(), Type.Null()], { description });
const DueDate = Type.String({ format: "date", description: "Due date (YYYY-MM-DD)" });

export const ProblemParams = Type.Object({ ref: Ref }, { additionalProperties: false });
export type ProblemParams = Static<typeof ProblemParams>;

/** An action item of a problem: a piece of follow-up work with an owner and a due date. */
export const ProblemAction = Type.Object(
  {
    id: Type.String({ description: "Action item id" }),
    problemId: Type.String({ description: "Id of the problem ticket" }),
    title: Type.String({ description: "What is to be done" }),
    owner: NullableNamedRef("User who owns the action item"),
    dueDate: Type.Union([DueDate, Type.Null()], { description: "Due date (YYYY-MM-DD), if any" }),
    done: Type.Boolean({ description: "Finished" }),
    overdue: Type.Boolean({ description: "Not done and the due date has passed (UTC)" }),
    createdAt: Type.String({ format: "date-time", description: "When the item was added" }),
    doneAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()], { description: "When it was marked done" }),
  },
  { title: "ProblemAction" },
);
export type ProblemAction = Static<typeof ProblemAction>;
export const ProblemActionList = Type.Object({ items: Type.Array(ProblemAction, { description: "Action items, oldest first" }) });

export const CreateProblemActionBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 500, description: "What is to be done" }),
    ownerId: Type.Optional(Type.Union([Id, Type.Null()], { description: "User who owns the action (an agent or admin)" })),
    dueDate: Type.Optional(Type.Union([DueDate, Type.Null()], { description: "Due date (YYYY-MM-DD)" })),
  },
  { additionalProperties: false },
);
export type CreateProblemActionBody = Static<typeof CreateProblemActionBody>;

export const UpdateProblemActionBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: "What is to be done" })),
    ownerId: Type.Optional(Type.Union([Id, Type.Null()], { description: "User who owns the action (an agent or admin)" })),
    dueDate: Type.Optional(Type.Union([DueDate, Type.Null()], { description: "Due date (YYYY-MM-DD); null removes it" })),
    done: Type.Optional(Type.Boolean({ description: "Mark finished (true) or open again (false)" })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateProblemActionBody = Static<typeof UpdateProblemActionBody>;

export const ProblemActionParams = Type.Object(
  { ref: Ref, actionId: Type.String({ minLength: 1, maxLength: 64, description: "Action item id" }) },
  { additionalProperties: false },
);
export type ProblemActionParams = Static<typeof ProblemActionParams>;

/** An incident linked to a problem (the incident is `caused_by` the problem). */
export const ProblemIncident = Type.Object(
  {
    id: Type.String({ description: "Incident id" }),
    number: Type.String({ description: "Incident number" }),
    title: Type.String({ description: "Incident title" }),
    state: Type.String({ description: "Incident state" }),
    open: Type.Boolean({ description: "Still needs work" }),
    priority: Type.Integer({ description: "P1 to P5" }),
    ci: NullableNamedRef("The incident's configuration item"),
    category: NullableText("The incident's category"),
    linkId: Type.String({ description: "Id of the caused_by link (delete it with DELETE /api/v1/tickets/{ref}/links/{linkId})" }),
    linkedAt: Type.String({ format: "date-time", description: "When the incident was linked" }),
    createdAt: Type.String({ format: "date-time", description: "When the incident was opened" }),
  },
  { title: "ProblemIncident" },
);
export type ProblemIncident = Static<typeof ProblemIncident>;
export const ProblemIncidentList = Type.Object({
  items: Type.Array(ProblemIncident, { description: "Linked incidents, newest link first" }),
  open: Type.Integer({ description: "How many of them are still open" }),
});

export const LinkIncidentsBody = Type.Object(
  { incidents: Type.Array(Ref, { minItems: 1, maxItems: 200, uniqueItems: true, description: "Incidents caused by this problem (numbers or ids)" }) },
  { additionalProperties: false },
);
export type LinkIncidentsBody = Static<typeof LinkIncidentsBody>;

/** The outcome of one item of a multi-incident operation. */
export const IncidentOutcome = Type.Object({
  ref: Type.String({ description: "The incident as given (or its number)" }),
  ok: Type.Boolean({ description: "True when done for this incident" }),
  error: Type.Optional(Type.String({ description: "Stable error code when not ok" })),
  message: Type.Optional(Type.String({ description: "Human-readable reason when not ok" })),
  number: Type.Optional(Type.String({ description: "Incident number" })),
  state: Type.Optional(Type.String({ description: "The incident's state afterwards" })),
});
export type IncidentOutcome = Static<typeof IncidentOutcome>;
export const IncidentOutcomeList = Type.Object({ items: Type.Array(IncidentOutcome, { description: "One outcome per incident, in order" }) });
export type IncidentOutcomeList = Static<typeof IncidentOutcomeList>;

export const ResolveIncidentsBody = Type.Object(
  {
    resolutionCode: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: "Resolution code for the incidents (default: the problem's)" })),
    resolutionNotes: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000, description: "Resolution notes for the incidents (default: the problem's, naming it)" })),
  },
  { additionalProperties: false },
);
export type ResolveIncidentsBody = Static<typeof ResolveIncidentsBody>;

export const ProblemSuggestion = Type.Object(
  {
    basis: Type.Union([Type.Literal("ci"), Type.Literal("category")], { description: "What the incidents share: the CI or the category" }),
    ci: NullableNamedRef("The CI the incidents share (basis ci)"),
    category: NullableText("The category the incidents share (basis category)"),
    incidents: Type.Integer({ description: "Incidents within the window" }),
    firstAt: Type.String({ format: "date-time", description: "When the first of them was opened" }),
    lastAt: Type.String({ format: "date-time", description: "When the last of them was opened" }),
    numbers: Type.Array(Type.String(), { description: "The most recent of those incidents' numbers (up to 20)" }),
  },
  { title: "ProblemSuggestion", description: "Recurring incidents with no open problem on their CI or category yet" },
);
export type ProblemSuggestion = Static<typeof ProblemSuggestion>;
export const ProblemSuggestionList = Type.Object({
  items: Type.Array(ProblemSuggestion, { description: "Most incidents first" }),
  threshold: Type.Integer({ description: "Incidents needed (ticket settings)" }),
  windowHours: Type.Integer({ description: "Within this many hours (ticket settings)" }),
});
export type ProblemSuggestionList = Static<typeof ProblemSuggestionList>;

/** An entry of the known error database. */
export const KnownError = Type.Object(
  {
    id: Type.String({ description: "Problem id" }),
    number: Type.String({ description: "Problem number" }),
    title: Type.String({ description: "Problem title" }),
    state: Type.String({ description: "Problem state" }),
    open: Type.Boolean({ description: "The problem is not resolved, closed or canceled yet" }),
    rootCause: NullableText("What causes the incidents (Markdown)"),
    workaround: NullableText("How to restore service until the fix is in (Markdown)"),
    knownErrorAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()], { description: "When the problem became a known error" }),
    ci: NullableNamedRef("The problem's configuration item"),
    category: NullableText("The problem's category"),
    incidents: Type.Integer({ description: "Incidents linked to the problem" }),
  },
  { title: "KnownError" },
);
export type KnownError = Static<typeof KnownError>;
export const KnownErrorList = ListOf(KnownError, "A page of known errors, most recent first");

export const KnownErrorQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Words in the number, title, description, root cause or workaround" })),
    ciId: Type.Optional(Type.String({ maxLength: 64, description: "Only known errors on this CI" })),
    category: Type.Optional(Type.String({ maxLength: 120, description: "Only known errors in this category" })),
    open: Type.Optional(Type.Boolean({ description: "Only unresolved (true) or resolved (false) problems" })),
    incident: Type.Optional(RefOf("Only known errors that match this incident (number or id): linked to it, or on its CI or in its category")),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type KnownErrorQuery = Static<typeof KnownErrorQuery>;
