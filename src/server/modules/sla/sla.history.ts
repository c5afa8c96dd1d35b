/**
 * A ticket's history as moments for the clock engine: the ticket at creation, then after each
 * field change and state change, rebuilt from the timeline (whose entries carry the real times
 * and the before/after values), never from when an event happened to be processed.
 */
import type { DbOrTrx } from "../../platform/db/schema.js";
import { kindDef } from "../tickets/index.js";
import type { TicketSnapshot } from "./sla.rules.js";
import type { Moment } from "./sla.replay.js";

/** Snapshot field of each timeline field name (the update API's names). */
const FIELDS: Record<string, keyof TicketSnapshot> = {
  priority: "priority",
  impact: "impact",
  urgency: "urgency",
  assigneeId: "assigneeId",
  assignmentGroupId: "assignmentGroupId",
  category: "category",
  ciId: "ciId",
};

export interface TicketHistory {
  id: string;
  number: string;
  kind: string;
  createdAt: number;
  moments: Moment[];
}

interface Change {
  field: string;
  from: unknown;
  to: unknown;
}

/** Loads the ticket's moments; null when the ticket does not exist. */
export async function loadHistory(db: DbOrTrx, ticketId: string | number): Promise<TicketHistory | null> {
  const t = await db.selectFrom("tickets").selectAll().where("id", "=", Number(ticketId)).executeTakeFirst();
  if (!t) return null;
  const [entries, ci, services, groups] = await Promise.all([
    db.selectFrom("ticket_timeline").select(["id", "at", "type", "data"]).where("ticket_id", "=", Number(t.id)).where("type", "in", ["created", "field_change", "state_change"]).orderBy("id").execute(),
    t.ci_id ? db.selectFrom("cis").select("class").where("id", "=", t.ci_id).executeTakeFirst() : Promise.resolve(undefined),
    db.selectFrom("ticket_cis").select("ci_id").where("ticket_id", "=", Number(t.id)).where("role", "=", "service").execute(),
    t.requester_id ? db.selectFrom("group_members").select("group_id").where("user_id", "=", t.requester_id).execute() : Promise.resolve([]),
  ]);
  const current: TicketSnapshot = {
    kind: t.kind,
    state: t.state,
    onHoldReason: t.on_hold_reason,
    priority: t.priority,
    impact: t.impact,
    urgency: t.urgency,
    assigneeId: t.assignee_id,
    assignmentGroupId: t.assignment_group_id,
    category: t.category,
    ciId: t.ci_id,
    ciClass: ci?.class ?? null,
    serviceIds: services.map((s) => s.ci_id),
    requesterGroupIds: groups.map((g) => g.group_id),
  };
  const parsed = entries.map((e) => ({ at: Date.parse(e.at), type: e.type, data: e.data ? (JSON.parse(e.data) as Record<string, unknown>) : {} }));
  // The values at creation: each field's first recorded "from", else its value now.
  const initial: TicketSnapshot = { ...current, onHoldReason: null };
  const seen = new Set<string>();
  let stateKnown = false;
  for (const e of parsed) {
    if (e.type === "created" && typeof e.data.state === "string") {
      initial.state = e.data.state;
      stateKnown = true;
    }
    if (e.type === "created" && typeof e.data.priority === "number" && !seen.has("priority")) initial.priority = e.data.priority;
    if (e.type === "state_change" && !stateKnown) {
      initial.state = String(e.data.from);
      stateKnown = true;
    }
    if (e.type === "field_change") {
      for (const c of (e.data.changes as Change[] | undefined) ?? []) {
        const key = FIELDS[c.field];
        if (!key || seen.has(c.field)) continue;
        seen.add(c.field);
        (initial as unknown as Record<string, unknown>)[key] = c.from;
      }
    }
  }
  if (initial.state === "on_hold") initial.onHoldReason = current.onHoldReason;
  const createdAt = Date.parse(t.created_at);
  const moments: Moment[] = [{ at: createdAt, snap: initial }];
  let snap = initial;
  let at = createdAt;
  for (const e of parsed) {
    if (e.type === "created") continue;
    at = Math.max(at, e.at); // clocks of different nodes may disagree by a little; history never runs backward
    snap = { ...snap };
    if (e.type === "state_change") {
      snap.state = String(e.data.to);
      snap.onHoldReason = typeof e.data.onHoldReason === "string" ? e.data.onHoldReason : null;
    } else {
      for (const c of (e.data.changes as Change[] | undefined) ?? []) {
        const key = FIELDS[c.field];
        if (key) (snap as unknown as Record<string, unknown>)[key] = c.to;
      }
    }
    moments.push({ at, snap });
  }
  return { id: String(t.id), number: t.number, kind: t.kind, createdAt, moments };
}

/** "On hold (awaiting caller)": the state's label in the kind's flow and the waiting reason. */
export function pauseLabel(snap: TicketSnapshot): string {
  let label = snap.state;
  try {
    label = kindDef(snap.kind).flow.states[snap.state]?.label ?? snap.state;
  } catch {
    // an unregistered kind keeps the raw state name
  }
  return snap.onHoldReason ? `${label} (${snap.onHoldReason.replace(/_/g, " ")})` : label;
}
