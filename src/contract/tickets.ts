/**
 * The ticket core shared by every ITSM record (incident, problem, change, request, task):
 * fields, timeline, attachments, links, watchers and state transitions.
 */
import { Type, type Static } from "@sinclair/typebox";
import { Id, ListOf, PageQuery, SortQuery, Timestamp, NullableTimestamp } from "./common.js";
import { ProblemFields, ProblemInput } from "./problems.js";
import { ChangeFields, ChangeInput } from "./changes.js";

export const TICKET_KINDS = ["incident", "problem", "change", "request", "task"] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
export const TICKET_CHANNELS = ["portal", "email", "phone", "api", "event", "walk_in", "chat"] as const;
export const LINK_TYPES = ["child_of", "parent_of", "caused_by", "causes", "related_to", "duplicate_of", "duplicated_by"] as const;
export const TIMELINE_TYPES = ["created", "comment", "work_note", "field_change", "state_change", "link", "attachment", "communication", "system"] as const;
export const ON_HOLD_REASONS = ["awaiting_caller", "awaiting_change", "awaiting_problem", "awaiting_vendor"] as const;

const literals = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description });

export const Kind = literals(TICKET_KINDS, "Kind of record: incident, problem, change, request or task");
export const Channel = literals(TICKET_CHANNELS, "How the ticket came in: portal, email, phone, api, event, walk_in or chat");
export const LinkType = literals(LINK_TYPES, "How this ticket relates to the other: child_of/parent_of, caused_by/causes, related_to, duplicate_of/duplicated_by");
export const OnHoldReason = literals(ON_HOLD_REASONS, "Why the ticket waits: awaiting_caller, awaiting_change, awaiting_problem or awaiting_vendor");
export const Level = Type.Integer({ minimum: 1, maximum: 3, description: "1 = high, 2 = medium, 3 = low" });
export const Priority = Type.Integer({ minimum: 1, maximum: 5, description: "P1 (critical) to P5 (planning)" });
/** A ticket reference in a URL: its number (INC0001001) or its numeric id. */
export const TicketRef = Type.String({ minLength: 1, maxLength: 32, pattern: "^([A-Za-z]{3,4}[0-9]{7,}|[0-9]+)$", description: "Ticket number (e.g. INC0001001) or id" });
export const TicketParams = Type.Object({ ref: TicketRef }, { additionalProperties: false });
export type TicketParams = Static<typeof TicketParams>;

const Ref = Type.Object({ id: Type.String(), name: Type.String() }, { description: "A referenced record's id and display name" });
const NullableRef = Type.Union([Ref, Type.Null()]);

export const AllowedTransition = Type.Object(
  {
    name: Type.String({ description: "Transition name to POST, e.g. resolve" }),
    label: Type.String({ description: "Button label" }),
    to: Type.String({ description: "State the ticket moves to" }),
    requires: Type.Array(Type.String(), { description: "Fields the transition body must carry (e.g. resolutionCode)" }),
  },
  { description: "A transition the caller may perform now" },
);
export type AllowedTransition = Static<typeof AllowedTransition>;

export const Ticket = Type.Object(
  {
    id: Type.String({ description: "Numeric id (as a string)" }),
    kind: Kind,
    number: Type.String({ description: "Human number, e.g. INC0001001" }),
    title: Type.String(),
    description: Type.String({ description: "Markdown; sanitised when displayed" }),
    state: Type.String({ description: "Current state of the kind's flow" }),
    open: Type.Boolean({ description: "True while the ticket still needs work (not resolved, closed or canceled)" }),
    priority: Priority,
    impact: Level,
    urgency: Level,
    requester: NullableRef,
    callerContact: Type.Union([Type.String(), Type.Null()]),
    assignmentGroup: NullableRef,
    assignee: NullableRef,
    ci: NullableRef,
    category: Type.Union([Type.String(), Type.Null()]),
    subcategory: Type.Union([Type.String(), Type.Null()]),
    channel: Channel,
    tags: Type.Array(Type.String()),
    onHoldReason: Type.Union([OnHoldReason, Type.Null()]),
    resolutionCode: Type.Union([Type.String(), Type.Null()]),
    resolutionNotes: Type.Union([Type.String(), Type.Null()]),
    major: Type.Boolean({ description: "Major incident" }),
    version: Type.Integer({ description: "Increments on every change; send it back to refuse stale edits (409)" }),
    createdBy: Type.Union([Type.String(), Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    resolvedAt: NullableTimestamp,
    closedAt: NullableTimestamp,
    services: Type.Optional(Type.Array(Ref, { description: "Business services impacted (from the CMDB)" })),
    affectedCis: Type.Optional(Type.Array(Ref, { description: "Further CIs the ticket touches (changes)" })),
    watchers: Type.Optional(Type.Array(Ref)),
    allowedTransitions: Type.Optional(Type.Array(AllowedTransition, { description: "What the caller may do next" })),
    problem: Type.Optional(ProblemFields),
    change: Type.Optional(ChangeFields),
  },
  { title: "Ticket", description: "An ITSM record: incident, problem, change, request or task" },
);
export type Ticket = Static<typeof Ticket>;

const Title = Type.String({ minLength: 1, maxLength: 300, description: "Short summary" });
const Description = Type.String({ maxLength: 100_000, description: "Markdown" });
const Tag = Type.String({ minLength: 1, maxLength: 60, pattern: "^[^,\\s][^,]*$" });
const Category = Type.String({ minLength: 1, maxLength: 120 });

const editableFields = {
  description: Type.Optional(Description),
  requesterId: Type.Optional(Type.Union([Id, Type.Null()], { description: "User who reported it; requesters always file as themselves" })),
  callerContact: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()], { description: "Phone or e-mail to reach the caller" })),
  assignmentGroupId: Type.Optional(Type.Union([Id, Type.Null()], { description: "Assignment group" })),
  assigneeId: Type.Optional(Type.Union([Id, Type.Null()], { description: "Assignee; must belong to the assignment group" })),
  ciId: Type.Optional(Type.Union([Id, Type.Null()], { description: "Configuration item" })),
  category: Type.Optional(Type.Union([Category, Type.Null()])),
  subcategory: Type.Optional(Type.Union([Category, Type.Null()])),
  impact: Type.Optional(Level),
  urgency: Type.Optional(Level),
  priority: Type.Optional(Priority),
  tags: Type.Optional(Type.Array(Tag, { maxItems: 30, uniqueItems: true })),
  major: Type.Optional(Type.Boolean({ description: "Major incident (incidents only)" })),
};

export const CreateTicketBody = Type.Object(
  {
    title: Title,
    ...editableFields,
    channel: Type.Optional(Channel),
    watcherIds: Type.Optional(Type.Array(Id, { maxItems: 50, uniqueItems: true })),
    affectedCiIds: Type.Optional(Type.Array(Id, { maxItems: 200, uniqueItems: true, description: "Further affected CIs" })),
    parent: Type.Optional(TicketRef),
    problem: Type.Optional(ProblemInput),
    change: Type.Optional(ChangeInput),
  },
  { additionalProperties: false },
);
export type CreateTicketBody = Static<typeof CreateTicketBody>;

export const UpdateTicketBody = Type.Object(
  {
    title: Type.Optional(Title),
    ...editableFields,
    affectedCiIds: Type.Optional(Type.Array(Id, { maxItems: 200, uniqueItems: true, description: "Further affected CIs" })),
    version: Type.Optional(Type.Integer({ minimum: 1, description: "The version you edited; 409 when the ticket changed since" })),
    problem: Type.Optional(ProblemInput),
    change: Type.Optional(ChangeInput),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTicketBody = Static<typeof UpdateTicketBody>;

export const TransitionBody = Type.Object(
  {
    transition: Type.String({ minLength: 1, maxLength: 40, description: "Name of the transition, from allowedTransitions" }),
    onHoldReason: Type.Optional(OnHoldReason),
    resolutionCode: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    resolutionNotes: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000 })),
    comment: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000, description: "Public comment added with the transition" })),
    workNote: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000, description: "Work note added with the transition" })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: "Why (cancel, reject, reopen)" })),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    change: Type.Optional(ChangeInput),
    problem: Type.Optional(ProblemInput),
  },
  { additionalProperties: false },
);
export type TransitionBody = Static<typeof TransitionBody>;

export const ListTicketsQuery = Type.Object(
  {
    kind: Type.Optional(Kind),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Quick search: a ticket number, or words in title and description" })),
    state: Type.Optional(Type.String({ maxLength: 200, description: "State, or several separated by commas" })),
    open: Type.Optional(Type.Boolean({ description: "Only open (true) or only finished (false) tickets" })),
    priority: Type.Optional(Type.String({ pattern: "^[1-5](,[1-5])*$", description: "Priority, or several separated by commas, e.g. 1,2" })),
    assignmentGroupId: Type.Optional(Type.String({ maxLength: 64, description: "Group id; `mine` = any group I belong to; `none` = unassigned group" })),
    assigneeId: Type.Optional(Type.String({ maxLength: 64, description: "User id; `me`; `none` = unassigned" })),
    requesterId: Type.Optional(Type.String({ maxLength: 64, description: "User id or `me`" })),
    ciId: Type.Optional(Type.String({ maxLength: 64 })),
    major: Type.Optional(Type.Boolean()),
    tag: Type.Optional(Type.String({ maxLength: 60 })),
    createdFrom: Type.Optional(Timestamp),
    createdTo: Type.Optional(Timestamp),
    plannedFrom: Type.Optional(Type.String({ format: "date-time", description: "Changes whose planned window ends after this time" })),
    plannedTo: Type.Optional(Type.String({ format: "date-time", description: "Changes whose planned window starts before this time" })),
    sort: SortQuery(["createdAt", "updatedAt", "priority", "number", "state"]),
    fields: Type.Optional(
      Type.String({
        maxLength: 500,
        pattern: "^[A-Za-z]+(,[A-Za-z]+)*$",
        description: "Only these fields in each item, comma-separated (e.g. number,title,state,priority,assignee,updatedAt); id is always there. Any field of a list item: those of Ticket up to closedAt, and problem, change. Default: every field",
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListTicketsQuery = Static<typeof ListTicketsQuery>;
export const TicketList = Type.Object(
  {
    ...ListOf(Ticket, "A page of tickets").properties,
    total: Type.Integer({ description: "Tickets matching, counted exactly up to 1,000 (or the end of the requested page); one more means more match" }),
  },
  { description: "A page of tickets" },
);

export const TimelineEntry = Type.Object(
  {
    id: Type.String(),
    at: Timestamp,
    type: literals(TIMELINE_TYPES, "created, comment, work_note, field_change, state_change, link, attachment, communication or system"),
    public: Type.Boolean({ description: "Visible to the requester" }),
    actor: NullableRef,
    actorName: Type.String(),
    body: Type.Union([Type.String(), Type.Null()]),
    data: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: "Structured facts: changed fields, from/to state, link, attachment" }),
  },
  { title: "TimelineEntry" },
);
export type TimelineEntry = Static<typeof TimelineEntry>;
export const TimelineQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ pattern: "^[0-9]+$", description: "Only entries after this entry id (for live updates)" })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 500 })),
  },
  { additionalProperties: false },
);
export const Timeline = Type.Object({ items: Type.Array(TimelineEntry) });

export const CommentBody = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: 20_000, description: "Markdown" }),
    type: Type.Optional(literals(["comment", "work_note", "communication"] as const, "comment (public, default), work_note (agents only) or communication (major incident log)")),
  },
  { additionalProperties: false },
);
export type CommentBody = Static<typeof CommentBody>;

export const Attachment = Type.Object(
  {
    id: Type.String(),
    filename: Type.String(),
    contentType: Type.String(),
    size: Type.Integer(),
    sha256: Type.String(),
    public: Type.Boolean(),
    uploadedBy: Type.String(),
    createdAt: Timestamp,
  },
  { title: "Attachment" },
);
export type Attachment = Static<typeof Attachment>;
export const AttachmentList = Type.Object({ items: Type.Array(Attachment) });
export const AttachmentParams = Type.Object({ ref: TicketRef, attachmentId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
export const UploadQuery = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 255, pattern: "^[^/\\\\\\x00]+$", description: "File name as it will be downloaded" }),
    public: Type.Optional(Type.Boolean({ description: "Visible to the requester (default true; requesters' uploads are always public)" })),
  },
  { additionalProperties: false },
);

export const TicketLink = Type.Object(
  {
    id: Type.String(),
    type: LinkType,
    ticket: Type.Object({ id: Type.String(), number: Type.String(), kind: Kind, title: Type.String(), state: Type.String(), open: Type.Boolean() }),
    createdAt: Timestamp,
  },
  { title: "TicketLink", description: "A link seen from this ticket's side" },
);
export const TicketLinkList = Type.Object({ items: Type.Array(TicketLink) });
export const CreateLinkBody = Type.Object(
  { type: LinkType, target: TicketRef },
  { additionalProperties: false },
);
export type CreateLinkBody = Static<typeof CreateLinkBody>;
export const LinkParams = Type.Object({ ref: TicketRef, linkId: Type.String({ pattern: "^[0-9]+$" }) }, { additionalProperties: false });

export const WatcherBody = Type.Object({ userId: Id }, { additionalProperties: false });
export const WatcherParams = Type.Object({ ref: TicketRef, userId: Id }, { additionalProperties: false });

export const BulkTicketBody = Type.Object(
  {
    refs: Type.Array(TicketRef, { minItems: 1, maxItems: 200, uniqueItems: true }),
    assign: Type.Optional(Type.Object({ assignmentGroupId: Type.Optional(Type.Union([Id, Type.Null()])), assigneeId: Type.Optional(Type.Union([Id, Type.Null()])) }, { additionalProperties: false })),
    transition: Type.Optional(TransitionBody),
    link: Type.Optional(CreateLinkBody),
  },
  { additionalProperties: false, description: "One action (assign, transition or link) applied to several tickets" },
);
export type BulkTicketBody = Static<typeof BulkTicketBody>;
export const BulkTicketResult = Type.Object({
  items: Type.Array(
    Type.Object({
      ref: Type.String(),
      ok: Type.Boolean(),
      error: Type.Optional(Type.String()),
      message: Type.Optional(Type.String()),
      ticket: Type.Optional(Ticket),
    }),
  ),
});

export const TicketSettings = Type.Object(
  {
    editPolicy: literals(["any_agent", "group_members"] as const, "Who may edit a ticket: any agent, or only members of its assignment group (and its assignee)"),
    autoCloseDays: Type.Integer({ minimum: 0, maximum: 365, description: "Resolved incidents close after this many days (0 = never)" }),
    priorityMatrix: Type.Array(Type.Array(Priority, { minItems: 3, maxItems: 3 }), {
      minItems: 3,
      maxItems: 3,
      description: "priorityMatrix[impact-1][urgency-1] = priority",
    }),
    attachmentMaxBytes: Type.Integer({ minimum: 1024, maximum: 1_073_741_824 }),
    problemSuggestion: Type.Object(
      {
        threshold: Type.Integer({ minimum: 2, maximum: 1000, description: "Incidents on one CI (or category) ..." }),
        windowHours: Type.Integer({ minimum: 1, maximum: 8760, description: "... within this many hours suggest a problem" }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, title: "TicketSettings" },
);
export type TicketSettings = Static<typeof TicketSettings>;
export const UpdateTicketSettingsBody = Type.Partial(TicketSettings, { additionalProperties: false, minProperties: 1 });

export const FlowDescription = Type.Object({
  kind: Kind,
  initial: Type.String(),
  states: Type.Array(Type.Object({ name: Type.String(), label: Type.String(), color: Type.String(), open: Type.Boolean(), terminal: Type.Boolean() })),
  transitions: Type.Array(Type.Object({ name: Type.String(), label: Type.String(), from: Type.Array(Type.String()), to: Type.String(), requires: Type.Array(Type.String()), who: Type.Array(Type.String()) })),
});
export const FlowList = Type.Object({ items: Type.Array(FlowDescription) });
