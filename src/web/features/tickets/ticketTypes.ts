/**
 * Ticket shapes as the web UI uses them. They mirror src/contract/tickets.ts (and the problem
 * and change fields); dates are ISO-8601 strings.
 */

export const TICKET_KINDS = ["incident", "problem", "change", "request", "task"] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
export const ON_HOLD_REASONS = ["awaiting_caller", "awaiting_change", "awaiting_problem", "awaiting_vendor"] as const;
export type OnHoldReason = (typeof ON_HOLD_REASONS)[number];
export const LINK_TYPES = ["child_of", "parent_of", "caused_by", "causes", "related_to", "duplicate_of", "duplicated_by"] as const;
export type LinkType = (typeof LINK_TYPES)[number];
export const TICKET_CHANNELS = ["portal", "email", "phone", "api", "event", "walk_in", "chat"] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];

/** A referenced record's id and display name. */
export interface Ref {
  id: string;
  name: string;
}

/** A transition the caller may perform now. */
export interface AllowedTransition {
  name: string;
  label: string;
  to: string;
  /** Body fields the transition needs, e.g. resolutionCode or change.outcome. */
  requires: string[];
}

export interface ProblemFields {
  rootCause: string | null;
  workaround: string | null;
  knownError: boolean;
  knownErrorAt: string | null;
}

export interface ChangeFields {
  type: string;
  templateId: string | null;
  justification: string | null;
  implementationPlan: string | null;
  backoutPlan: string | null;
  testPlan: string | null;
  risk: string;
  computedRisk: string;
  riskOverrideReason: string | null;
  plannedStart: string | null;
  plannedEnd: string | null;
  actualStart: string | null;
  actualEnd: string | null;
  outcome: string | null;
  review: string | null;
}

export interface Ticket {
  id: string;
  kind: TicketKind;
  number: string;
  title: string;
  /** Markdown. */
  description: string;
  state: string;
  open: boolean;
  priority: number;
  impact: number;
  urgency: number;
  requester: Ref | null;
  callerContact: string | null;
  assignmentGroup: Ref | null;
  assignee: Ref | null;
  ci: Ref | null;
  category: string | null;
  subcategory: string | null;
  channel: TicketChannel;
  tags: string[];
  onHoldReason: OnHoldReason | null;
  resolutionCode: string | null;
  resolutionNotes: string | null;
  major: boolean;
  version: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  services?: Ref[];
  affectedCis?: Ref[];
  watchers?: Ref[];
  allowedTransitions?: AllowedTransition[];
  problem?: ProblemFields;
  change?: ChangeFields;
}

/** Fields a person edits on create and update. */
export interface TicketInput {
  title?: string;
  description?: string;
  requesterId?: string | null;
  callerContact?: string | null;
  assignmentGroupId?: string | null;
  assigneeId?: string | null;
  ciId?: string | null;
  category?: string | null;
  subcategory?: string | null;
  impact?: number;
  urgency?: number;
  priority?: number;
  tags?: string[];
  major?: boolean;
  channel?: TicketChannel;
  affectedCiIds?: string[];
  watcherIds?: string[];
  parent?: string;
  version?: number;
  problem?: object;
  change?: object;
}

export interface TransitionInput {
  transition: string;
  onHoldReason?: OnHoldReason;
  resolutionCode?: string;
  resolutionNotes?: string;
  comment?: string;
  workNote?: string;
  reason?: string;
  version?: number;
  change?: object;
  problem?: object;
}

export const TIMELINE_TYPES = ["created", "comment", "work_note", "field_change", "state_change", "link", "attachment", "communication", "system"] as const;
export type TimelineType = (typeof TIMELINE_TYPES)[number];

export interface TimelineEntry {
  id: string;
  at: string;
  type: TimelineType;
  /** Visible to the requester. */
  public: boolean;
  actor: Ref | null;
  actorName: string;
  body: string | null;
  data: Record<string, unknown> | null;
}

export type CommentType = "comment" | "work_note" | "communication";

export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  public: boolean;
  uploadedBy: string;
  createdAt: string;
}

/** A link as seen from this ticket's side. */
export interface TicketLink {
  id: string;
  type: LinkType;
  ticket: { id: string; number: string; kind: TicketKind; title: string; state: string; open: boolean };
  createdAt: string;
}

export interface TicketPage {
  items: Ticket[];
  total: number;
  limit: number;
  offset: number;
}

export interface BulkInput {
  refs: string[];
  assign?: { assignmentGroupId?: string | null; assigneeId?: string | null };
  transition?: TransitionInput;
  link?: { type: LinkType; target: string };
}

export interface BulkResult {
  items: Array<{ ref: string; ok: boolean; error?: string; message?: string; ticket?: Ticket }>;
}

export interface FlowState {
  name: string;
  label: string;
  color: string;
  open: boolean;
  terminal: boolean;
}

export interface FlowTransition {
  name: string;
  label: string;
  from: string[];
  to: string;
  requires: string[];
  who: string[];
}

export interface Flow {
  kind: TicketKind;
  initial: string;
  states: FlowState[];
  transitions: FlowTransition[];
}

/** List filters as query-string values. */
export interface TicketQuery {
  kind?: string;
  q?: string;
  state?: string;
  open?: boolean;
  priority?: string;
  assignmentGroupId?: string;
  assigneeId?: string;
  requesterId?: string;
  ciId?: string;
  major?: boolean;
  tag?: string;
  createdFrom?: string;
  createdTo?: string;
  plannedFrom?: string;
  plannedTo?: string;
  sort?: string;
  limit?: number;
  offset?: number;
  /** Only these item fields (comma-separated; id always): the answer's items then hold just those. */
  fields?: string;
}
