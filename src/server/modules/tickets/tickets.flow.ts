/**
 * States and transitions as data. Each kind declares one flow; the API, the UI buttons and
 * the tests all read it (GET /api/v1/tickets/flows describes every flow).
 */
import type { Actor } from "../../platform/auth/permissions.js";
import type { Ticket } from "../../../contract/index.js";

/** Metadata of a state: label, colour, whether work is still pending, whether it ends the flow. */
export interface StateMeta {
  label: string;
  color: string;
  /** Counts as open work (lists of open tickets, SLA clocks running). */
  open: boolean;
  terminal?: boolean;
}

/** Who may perform a transition: agents (tickets.write) and/or the ticket's requester. */
export type TransitionActor = "agent" | "requester";

export interface TransitionDef {
  label: string;
  from: readonly string[];
  to: string;
  /** Fields the transition needs, sent in its body or already on the ticket, e.g. ["resolutionCode", "resolutionNotes"] or ["change.outcome"]. */
  requires?: readonly string[];
  /** Default: agents only. */
  who?: readonly TransitionActor[];
  /** Extra applicability rule read from the ticket (e.g. only normal changes pass Assess). */
  when?: (ticket: Ticket) => boolean;
}

export interface Flow<S extends string = string> {
  initial: S;
  states: Record<S, StateMeta>;
  transitions: Record<string, TransitionDef & { from: readonly S[]; to: S }>;
}

/** True when the actor takes part in the transition as `who`. */
export function actorMayUse(def: TransitionDef, actor: Actor, ticket: Ticket, isAgent: boolean): boolean {
  const who = def.who ?? ["agent"];
  if (isAgent && who.includes("agent")) return true;
  return who.includes("requester") && actor.id !== null && ticket.requester?.id === actor.id;
}

/** The transitions a ticket in its current state offers (ignoring who asks). */
export function transitionsFrom(flow: Flow, ticket: Ticket): Array<[string, TransitionDef]> {
  return Object.entries(flow.transitions).filter(([, t]) => t.from.includes(ticket.state) && (!t.when || t.when(ticket)));
}

/** Reads a dotted field ("change.outcome") from a transition body. */
export function fieldOf(body: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), body);
}
