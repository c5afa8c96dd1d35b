/** Reading SLA clocks: a ticket's clocks with their story, lists for indicators and the SLA list, and previews. */
import type { Selectable } from "kysely";
import type { ListSlasQuery, SlaDefinition, SlaPreviewBody, TicketSla } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import type { TicketSlasTable } from "../../platform/db/schema.sla.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { requireTicket } from "../tickets/index.js";
import { calendarFor } from "./sla.calendars.js";
import { checkInput, engineOfInput } from "./sla.definitions.js";
import { clockFigures, type ClockFigures } from "./sla.figures.js";
import { loadHistory, pauseLabel } from "./sla.history.js";
import { replayDefinition, type Clock } from "./sla.replay.js";
import { failingConditions } from "./sla.rules.js";

type Row = Selectable<TicketSlasTable> & { ticket_number: string };
const ms = (s: string | null) => (s === null ? null : Date.parse(s));
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

function clockOf(r: Selectable<TicketSlasTable>): Clock {
  const pauses = (JSON.parse(r.pauses) as Array<{ pausedAt: string; resumedAt: string | null; reason: string }>).map((p) => ({ pausedAt: Date.parse(p.pausedAt), resumedAt: ms(p.resumedAt), reason: p.reason }));
  return { cycle: r.cycle, startedAt: Date.parse(r.started_at), pauses, stoppedAt: ms(r.stopped_at), outcome: r.state === "cancelled" ? "cancelled" : r.stopped_at ? "stopped" : null, cancelReason: r.cancel_reason, priority: r.priority, kind: r.ticket_kind };
}

function shape(base: { id: string; ticketId: string; ticketNumber: string; definitionId: string; name: string; type: string; target: string; targetMs: number; calendarId: string }, clock: Clock, f: ClockFigures, now: number, detail: boolean): TicketSla {
  return {
    ...base,
    type: base.type as TicketSla["type"],
    target: base.target as TicketSla["target"],
    cycle: clock.cycle,
    state: f.state,
    breached: f.breached,
    startedAt: iso(clock.startedAt)!,
    stoppedAt: iso(clock.stoppedAt),
    dueAt: iso(f.dueAt),
    elapsedMs: Math.round(f.elapsedMs),
    remainingMs: Math.round(f.remainingMs),
    pausedMs: Math.round(f.pausedMs),
    percent: Math.round(f.percent * 10) / 10,
    cancelReason: clock.cancelReason,
    explanation: f.explanation,
    computedAt: iso(now)!,
    ...(detail
      ? {
          pauses: f.pauses.map((p) => ({ pausedAt: iso(p.pausedAt)!, resumedAt: iso(p.resumedAt), reason: p.reason, businessMs: Math.round(p.businessMs), text: p.text })),
          history: f.history,
        }
      : {}),
  };
}

/** The API shape of a stored clock, its figures brought to `now` (running clocks keep counting between reconciliations). */
export async function toTicketSla(db: DbOrTrx, r: Row, now: number, detail: boolean): Promise<TicketSla> {
  const clock = clockOf(r);
  const def = JSON.parse(r.definition) as SlaDefinition;
  const f = clockFigures(clock, await calendarFor(db, r.calendar_id), Number(r.target_ms), def.warnings ?? [], now);
  return shape({ id: String(r.id), ticketId: String(r.ticket_id), ticketNumber: r.ticket_number, definitionId: r.definition_id, name: r.name, type: r.type, target: r.target, targetMs: Number(r.target_ms), calendarId: r.calendar_id }, clock, f, now, detail);
}

function rows(db: DbOrTrx) {
  return db.selectFrom("ticket_slas as s").innerJoin("tickets as t", "t.id", "s.ticket_id").selectAll("s").select("t.number as ticket_number");
}

/** A ticket's clocks with pauses and history (the ticket page). */
export async function ticketSlas(db: DbOrTrx, actor: Actor, ref: string): Promise<{ items: TicketSla[] }> {
  requirePermission(actor, "sla.read");
  const ticket = await requireTicket(db, ref);
  const list = await rows(db).where("s.ticket_id", "=", Number(ticket.id)).orderBy("s.id").execute();
  const now = Date.now();
  return { items: await Promise.all(list.map((r) => toTicketSla(db, r as Row, now, true))) };
}

/** Clocks across tickets: by ticket ids (list indicators), state, definition, breached. */
export async function listSlas(db: DbOrTrx, actor: Actor, q: ListSlasQuery) {
  requirePermission(actor, "sla.read");
  let query = rows(db);
  if (q.ticketIds) query = query.where("s.ticket_id", "in", q.ticketIds.split(",").map(Number));
  if (q.state) query = query.where("s.state", "in", q.state.split(","));
  if (q.definitionId) query = query.where("s.definition_id", "=", q.definitionId);
  if (q.breached !== undefined) query = query.where("s.breached", "=", q.breached);
  const limit = q.limit ?? 50;
  const offset = q.offset ?? 0;
  const [column, dir] = (q.sort ?? "dueAt").startsWith("-") ? [q.sort!.slice(1), "desc" as const] : [q.sort ?? "dueAt", "asc" as const];
  const list = await query
    .orderBy(column === "startedAt" ? "s.started_at" : "s.due_at", dir)
    .orderBy("s.id", dir)
    .limit(limit)
    .offset(offset)
    .execute();
  const counted = await query.clearSelect().select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst();
  const now = Date.now();
  return { items: await Promise.all(list.map((r) => toTicketSla(db, r as Row, now, false))), total: Number(counted?.n ?? 0), limit, offset };
}

/** What an unsaved (or saved) definition would do on a ticket, over its whole history. */
export async function previewDefinition(db: DbOrTrx, actor: Actor, body: SlaPreviewBody) {
  requirePermission(actor, "sla.admin");
  await checkInput(db, body.definition);
  const ticket = await requireTicket(db, body.ticket);
  const hist = (await loadHistory(db, ticket.id))!;
  const engine = engineOfInput(body.definition);
  const clocks = replayDefinition(engine, hist.moments, pauseLabel);
  const cal = await calendarFor(db, engine.calendarId);
  const now = Date.now();
  const items = clocks.map((clock, i) =>
    shape({ id: `preview-${i + 1}`, ticketId: hist.id, ticketNumber: hist.number, definitionId: engine.id, name: engine.name, type: engine.type, target: engine.target, targetMs: engine.targetMs, calendarId: engine.calendarId }, clock, clockFigures(clock, cal, engine.targetMs, engine.rules.warnings, now), now, true),
  );
  const reasons = failingConditions(engine.rules.appliesTo, hist.moments[hist.moments.length - 1].snap);
  return { applies: clocks.length > 0, reasons, items };
}
