/** Tables of the ticket core (migration 0004-tickets) as Kysely sees them. */
import type { Generated } from "kysely";
import type { Timestamp } from "./schema.js";

export interface TicketsTable {
  id: Generated<number | string>;
  kind: string;
  number: string;
  title: string;
  description: string;
  state: string;
  is_open: boolean | number;
  priority: number;
  impact: number;
  urgency: number;
  requester_id: string | null;
  caller_contact: string | null;
  assignment_group_id: string | null;
  assignee_id: string | null;
  ci_id: string | null;
  category: string | null;
  subcategory: string | null;
  channel: string;
  tags: string;
  on_hold_reason: string | null;
  resolution_code: string | null;
  resolution_notes: string | null;
  major: boolean | number;
  version: number;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  resolved_at: Timestamp | null;
  closed_at: Timestamp | null;
}

export interface TicketCountersTable {
  kind: string;
  next_value: number;
}

export interface TicketTimelineTable {
  id: Generated<number | string>;
  ticket_id: number | string;
  at: Timestamp;
  type: string;
  public: boolean | number;
  actor_id: string | null;
  actor_name: string;
  body: string | null;
  data: string | null;
}

export interface TicketAttachmentsTable {
  id: string;
  ticket_id: number | string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  public: boolean | number;
  uploaded_by: string | null;
  uploaded_by_name: string;
  created_at: Timestamp;
}

export interface TicketLinksTable {
  id: Generated<number | string>;
  from_id: number | string;
  to_id: number | string;
  type: string;
  created_by: string | null;
  created_at: Timestamp;
}

export interface TicketWatchersTable {
  ticket_id: number | string;
  user_id: string;
}

export interface TicketCisTable {
  ticket_id: number | string;
  ci_id: string;
  role: string;
}

export interface ProblemDetailsTable {
  ticket_id: number | string;
  root_cause: string | null;
  workaround: string | null;
  known_error: boolean | number;
  known_error_at: Timestamp | null;
}

export interface ProblemActionsTable {
  id: string;
  problem_id: number | string;
  title: string;
  owner_id: string | null;
  due_date: string | null;
  done: boolean | number;
  created_at: Timestamp;
  done_at: Timestamp | null;
}

export interface TicketTables {
  tickets: TicketsTable;
  ticket_counters: TicketCountersTable;
  ticket_timeline: TicketTimelineTable;
  ticket_attachments: TicketAttachmentsTable;
  ticket_links: TicketLinksTable;
  ticket_watchers: TicketWatchersTable;
  ticket_cis: TicketCisTable;
  problem_details: ProblemDetailsTable;
  problem_actions: ProblemActionsTable;
}
