/**
 * The registry of ticket kinds. The core owns numbering, fields, timeline, attachments, links
 * and transitions; each kind module (incidents, problems, changes, ...) registers its prefix,
 * its flow and hooks for its own fields and rules. Hooks run inside the ticket's transaction.
 */
import type { Actor } from "../../platform/auth/permissions.js";
import type { DbOrTrx, Trx } from "../../platform/db/schema.js";
import type { CreateTicketBody, Ticket, TicketKind, TransitionBody, UpdateTicketBody } from "../../../contract/index.js";
import type { Flow } from "./tickets.flow.js";

/** One changed field, as written to the timeline and the audit trail. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface KindHooks {
  /** Validates kind fields before anything is written; throw ValidationError naming the field. */
  validateCreate?(trx: Trx, actor: Actor, input: CreateTicketBody): Promise<void>;
  /** The state a new ticket starts in when it is not the flow's initial one (e.g. standard changes). */
  initialState?(input: CreateTicketBody): string;
  /** Priority for the kind (incidents: the impact x urgency matrix); otherwise input or 3/4. */
  priority?(trx: Trx, impact: number, urgency: number, input: { priority?: number }): Promise<number>;
  /** Writes kind rows after the ticket row exists. */
  afterCreate?(trx: Trx, actor: Actor, ticket: Ticket, input: CreateTicketBody): Promise<void>;
  /** Applies kind fields of an edit; returns what changed (for the timeline). */
  update?(trx: Trx, actor: Actor, before: Ticket, input: UpdateTicketBody): Promise<FieldChange[]>;
  /** Loads kind fields for tickets (by id), attached to the API record under the kind's key. */
  load?(db: DbOrTrx, ids: string[]): Promise<Map<string, Partial<Ticket>>>;
  /** Refuses a transition (throw ConflictError/ValidationError) or writes kind fields it carries. */
  beforeTransition?(trx: Trx, actor: Actor, ticket: Ticket, transition: string, body: TransitionBody): Promise<void>;
  /** Follow-up work in the same transaction (children follow parent, approvals reset, ...). */
  afterTransition?(trx: Trx, actor: Actor, before: Ticket, after: Ticket, transition: string, body: TransitionBody): Promise<void>;
}

export interface KindDef {
  kind: TicketKind;
  /** Number prefix: INC, PRB, CHG, REQ, TASK. */
  prefix: string;
  label: string;
  flow: Flow;
  hooks: KindHooks;
}

const registry = new Map<TicketKind, KindDef>();

/** Registers (or replaces) a kind; each kind module calls this once at import. */
export function registerKind(def: KindDef): void {
  registry.set(def.kind, def);
}

/** The definition of a kind; every kind has at least the core's default. */
export function kindDef(kind: string): KindDef {
  const def = registry.get(kind as TicketKind);
  if (!def) throw new Error(`Ticket kind ${kind} is not registered`);
  return def;
}

/** Every registered kind. */
export function allKinds(): KindDef[] {
  return [...registry.values()];
}

/** The kind whose numbers carry this prefix (INC0001001 -> incident). */
export function kindOfNumber(number: string): KindDef | undefined {
  const upper = number.toUpperCase();
  return allKinds().find((k) => upper.startsWith(k.prefix) && /^[0-9]+$/.test(upper.slice(k.prefix.length)));
}
