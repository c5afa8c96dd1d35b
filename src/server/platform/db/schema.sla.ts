/** Tables of the sla module (migration 0006-sla) as Kysely sees them. */
import type { Generated } from "kysely";
import type { Timestamp } from "./schema.js";

export interface SlaCalendarsTable {
  id: string;
  name: string;
  time_zone: string;
  hours: string;
  holidays: string;
  built_in: boolean | number;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SlaDefinitionsTable {
  id: string;
  name: string;
  description: string;
  type: string;
  target: string;
  duration_minutes: number;
  calendar_id: string;
  rules: string;
  active: boolean | number;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TicketSlasTable {
  id: Generated<number | string>;
  ticket_id: number | string;
  definition_id: string;
  cycle: number;
  definition: string;
  name: string;
  type: string;
  target: string;
  target_ms: number | string;
  calendar_id: string;
  state: string;
  breached: Generated<boolean | number>;
  started_at: Timestamp;
  stopped_at: Timestamp | null;
  due_at: Timestamp | null;
  breached_at: Timestamp | null;
  elapsed_ms: Generated<number | string>;
  paused_ms: Generated<number | string>;
  pauses: Generated<string>;
  cancel_reason: string | null;
  priority: number;
  ticket_kind: string;
  warned_percent: Generated<number>;
  breach_fired: Generated<boolean | number>;
  next_check_at: Timestamp | null;
  computed_at: Timestamp;
}

export interface TicketSlaEventsTable {
  id: Generated<number | string>;
  ticket_sla_id: number | string;
  type: string;
  at: Timestamp;
  percent: number;
  text: string;
  recorded_at: Timestamp;
}

export interface SlaTables {
  sla_calendars: SlaCalendarsTable;
  sla_definitions: SlaDefinitionsTable;
  ticket_slas: TicketSlasTable;
  ticket_sla_events: TicketSlaEventsTable;
}
