/**
 * Incident rules on top of the ticket core: priority from the impact x urgency matrix,
 * child incidents that follow their parent to resolution, and closing resolved incidents
 * after the configured number of days.
 */
import type { Ticket, TransitionBody } from "../../../contract/index.js";
import type { Db, Trx } from "../../platform/db/schema.js";
import { SYSTEM_ACTOR, type Actor } from "../../platform/auth/permissions.js";
import { ValidationError } from "../../platform/errors.js";
import { applyTransition, registerKind, ticketSettings, type KindHooks } from "../tickets/index.js";
import { INCIDENT_FLOW } from "./incidents.flow.js";

/** Priority of an impact/urgency pair through the matrix in the settings. */
export async function matrixPriority(db: Db | Trx, impact: number, urgency: number): Promise<number> {
  const { priorityMatrix } = await ticketSettings(db);
  return priorityMatrix[impact - 1]?.[urgency - 1] ?? 3;
}

/** Open incidents linked as children of the ticket. */
async function openChildren(trx: Trx, parentId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom("ticket_links as l")
    .innerJoin("tickets as c", "c.id", "l.from_id")
    .select("c.number")
    .where("l.to_id", "=", Number(parentId))
    .where("l.type", "=", "child_of")
    .where("c.kind", "=", "incident")
    .where("c.is_open", "=", true)
    .execute();
  return rows.map((r) => r.number);
}

/** Resolving a parent resolves its open children with the same resolution (their own timelines say why). */
async function childrenFollow(trx: Trx, actor: Actor, parent: Ticket, body: TransitionBody): Promise<void> {
  const via: Actor = { ...SYSTEM_ACTOR, id: actor.id, name: `${actor.name} (via ${parent.number})` };
  for (const number of await openChildren(trx, parent.id)) {
    await applyTransition(trx, via, number, {
      transition: "resolve",
      resolutionCode: body.resolutionCode ?? parent.resolutionCode ?? "solved_permanently",
      resolutionNotes: `Resolved with parent ${parent.number}: ${body.resolutionNotes ?? parent.resolutionNotes ?? ""}`.trim(),
    });
  }
}

export const incidentHooks: KindHooks = {
  async validateCreate(_trx, _actor, input) {
    if (input.change || input.problem) throw new ValidationError("ticket.fields_of_other_kind", "Incidents take neither change nor problem fields", { field: input.change ? "change" : "problem" });
  },
  async priority(trx, impact, urgency) {
    return matrixPriority(trx, impact, urgency);
  },
  async afterTransition(trx, actor, _before, after, transition, body) {
    if (transition === "resolve") await childrenFollow(trx, actor, after, body);
  },
};

registerKind({ kind: "incident", prefix: "INC", label: "Incident", flow: INCIDENT_FLOW, hooks: incidentHooks });

/**
 * Closes incidents (and requests) resolved longer ago than the setting says; one batch per run,
 * each in its own transaction so that one refusal does not hold back the rest.
 */
export async function closeResolvedTickets(db: Db, now = new Date()): Promise<number> {
  const { autoCloseDays } = await ticketSettings(db);
  if (autoCloseDays <= 0) return 0;
  const cutoff = new Date(now.getTime() - autoCloseDays * 86_400_000).toISOString();
  const due = await db
    .selectFrom("tickets")
    .select("number")
    .where("kind", "in", ["incident", "request"])
    .where("state", "=", "resolved")
    .where("resolved_at", "<", cutoff)
    .orderBy("resolved_at")
    .limit(500)
    .execute();
  let closed = 0;
  const system: Actor = { ...SYSTEM_ACTOR, name: "auto-close" };
  for (const { number } of due) {
    try {
      await db.transaction().execute((trx) => applyTransition(trx, system, number, { transition: "close", comment: `Closed automatically ${autoCloseDays} days after resolution.` }));
      closed++;
    } catch {
      // Reopened or closed meanwhile: nothing to do.
    }
  }
  return closed;
}
