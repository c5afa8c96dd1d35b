/**
 * Brings a ticket's SLA clocks up to date: replays its history against the definitions, writes
 * the clocks, fires each crossed warning and breach exactly once (a conditional update is the
 * guard, so any number of processes may reconcile the same ticket), and schedules a leased
 * timer job for the next warning or breach. Ticket events and timer jobs both end up here.
 */
import { sql, type Selectable } from "kysely";
import type { SlaDefinition } from "../../../contract/index.js";
import type { Db, Trx } from "../../platform/db/schema.js";
import type { TicketSlasTable } from "../../platform/db/schema.sla.js";
import { isPostgres, toBool } from "../../platform/db/dialect.js";
import { SYSTEM_ACTOR } from "../../platform/auth/permissions.js";
import { emit } from "../../platform/outbox.js";
import { enqueueJob } from "../../platform/jobs.js";
import { param, runPrecompiled } from "../../platform/db/precompiled.js";
import { addEntry } from "../tickets/index.js";
import { calendarFor } from "./sla.calendars.js";
import { activeDefinitions, toEngine } from "./sla.definitions.js";
import { clockFigures, type ClockFigures } from "./sla.figures.js";
import { loadHistory, pauseLabel } from "./sla.history.js";
import { replayDefinition, type Clock } from "./sla.replay.js";
import type { EngineDefinition } from "./sla.rules.js";
import { formatDuration } from "./timer.js";

/** The job type of SLA timers: payload {ticketId}. */
export const SLA_TIMER_JOB = "sla.timer";

type Row = Selectable<TicketSlasTable>;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** Recomputes one ticket's clocks as of now; returns how many warnings and breaches it fired. */
export async function reconcileTicket(db: Db, ticketId: string | number): Promise<number> {
  // Without an active definition and without clocks on the ticket there is nothing to replay:
  // one indexed read instead of a write transaction that loads the ticket and its history
  // (every ticket event of a desk with no SLA for it came here).
  if (!(await hasSlaWork(db, Number(ticketId)))) return 0;
  return db.transaction().execute(async (trx) => {
    // One reconciliation per ticket at a time: the ticket row is the lock (SQLite serialises writers anyway).
    if (isPostgres(trx)) await sql`select id from tickets where id = ${Number(ticketId)} for update`.execute(trx);
    const now = Date.now();
    const hist = await loadHistory(trx, ticketId);
    if (!hist) return 0;
    const existing = await trx.selectFrom("ticket_slas").selectAll().where("ticket_id", "=", Number(hist.id)).execute();
    const defs = new Map<string, { engine: EngineDefinition; snapshot: string }>();
    // Clocks already on the ticket keep the definition they started with; new ones take the current one.
    for (const row of [...existing].sort((a, b) => a.cycle - b.cycle)) {
      if (defs.has(row.definition_id)) continue;
      const snap = JSON.parse(row.definition) as SlaDefinition;
      defs.set(row.definition_id, { engine: toEngine(snap, Date.parse(snap.createdAt)), snapshot: row.definition });
    }
    for (const d of await activeDefinitions(trx)) if (!defs.has(d.id)) defs.set(d.id, { engine: toEngine(d, Date.parse(d.createdAt)), snapshot: JSON.stringify(d) });
    let fired = 0;
    for (const { engine, snapshot } of defs.values()) {
      const clocks = replayDefinition(engine, hist.moments, pauseLabel);
      if (!clocks.length) continue;
      const cal = await calendarFor(trx, engine.calendarId);
      for (const clock of clocks) {
        const figures = clockFigures(clock, cal, engine.targetMs, engine.rules.warnings, now);
        const row = await saveClock(trx, hist.id, engine, snapshot, clock, figures, now, existing.find((r) => r.definition_id === engine.id && r.cycle === clock.cycle));
        fired += await fire(trx, hist, engine, row, figures, now);
        await recordHistory(trx, row.id, figures, now);
        if (figures.nextCheckAt !== null && row.next_check_at !== iso(figures.nextCheckAt)) {
          await trx.updateTable("ticket_slas").set({ next_check_at: iso(figures.nextCheckAt) }).where("id", "=", row.id).execute();
          await scheduleCheck(trx, hist.id, figures.nextCheckAt);
        } else if (figures.nextCheckAt === null && row.next_check_at !== null) {
          await trx.updateTable("ticket_slas").set({ next_check_at: null }).where("id", "=", row.id).execute();
        }
      }
    }
    return fired;
  });
}

/**
 * Reconciles a run of new tickets (the `ticket.created` handler): whether any definition is
 * active and which of them already have clocks (a redelivered event) is read once for the run,
 * in one statement (a row with a null ticket says a definition is active), so a desk without
 * SLAs pays one small query per run instead of one per ticket.
 */
export async function reconcileNewTickets(db: Db, ticketIds: number[]): Promise<void> {
  if (!ticketIds.length) return;
  const pg = isPostgres(db);
  const ids = pg ? sql`= any(${ticketIds}::bigint[])` : sql`in (select value from json_each(${JSON.stringify(ticketIds)}))`;
  const { rows } = await sql<{ ticket_id: number | null }>`select ${pg ? sql`null::bigint` : sql`null`} as ticket_id where exists (select 1 from sla_definitions where active = ${true})
    union all select distinct ticket_id from ticket_slas where ticket_id ${ids}`.execute(db);
  const active = rows.some((r) => r.ticket_id === null);
  const withClocks = new Set(rows.map((r) => Number(r.ticket_id)));
  for (const id of ticketIds) if (active || withClocks.has(id)) await reconcileTicket(db, id);
}

/** Whether any definition is active or the ticket has clocks. */
async function hasSlaWork(db: Db, ticketId: number): Promise<boolean> {
  const [row] = await runPrecompiled<{ defs: number | boolean; clocks: number | boolean }>(db, "sla.has-work", () =>
    db.selectNoFrom((eb) => [
      eb.exists(eb.selectFrom("sla_definitions").select("id").where("active", "=", true)).as("defs"),
      eb.exists(eb.selectFrom("ticket_slas").select("id").where("ticket_id", "=", param("ticket") as unknown as number)).as("clocks"),
    ]), { ticket: ticketId });
  return Boolean(row?.defs) || Boolean(row?.clocks);
}

/** Enqueues the timer job that looks at the ticket again at `at` (once per ticket and instant). */
export async function scheduleCheck(trx: Trx | Db, ticketId: string, at: number): Promise<void> {
  await enqueueJob(trx, { type: SLA_TIMER_JOB, payload: { ticketId }, runAt: new Date(at), dedupeKey: `${SLA_TIMER_JOB}:${ticketId}:${at}`, maxAttempts: 10 });
}

async function saveClock(trx: Trx, ticketId: string, def: EngineDefinition, snapshot: string, clock: Clock, f: ClockFigures, now: number, row: Row | undefined): Promise<Row> {
  const values = {
    state: f.state,
    breached: f.breached,
    started_at: iso(clock.startedAt)!,
    stopped_at: iso(clock.stoppedAt),
    due_at: iso(f.dueAt),
    breached_at: iso(f.breachedAt),
    elapsed_ms: Math.round(f.elapsedMs),
    paused_ms: Math.round(f.pausedMs),
    pauses: JSON.stringify(clock.pauses.map((p) => ({ pausedAt: iso(p.pausedAt), resumedAt: iso(p.resumedAt), reason: p.reason }))),
    cancel_reason: clock.cancelReason,
    computed_at: iso(now)!,
  };
  if (row) {
    return trx.updateTable("ticket_slas").set(values).where("id", "=", row.id).returningAll().executeTakeFirstOrThrow();
  }
  return trx
    .insertInto("ticket_slas")
    .values({
      ...values,
      ticket_id: Number(ticketId),
      definition_id: def.id,
      cycle: clock.cycle,
      definition: snapshot,
      name: def.name,
      type: def.type,
      target: def.target,
      target_ms: def.targetMs,
      calendar_id: def.calendarId,
      priority: clock.priority,
      ticket_kind: clock.kind,
      warned_percent: 0,
      breach_fired: false,
      next_check_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Fires every crossed milestone not fired before; the conditional update lets exactly one process win each. */
async function fire(trx: Trx, hist: { id: string; number: string; kind: string }, def: EngineDefinition, row: Row, f: ClockFigures, now: number): Promise<number> {
  let fired = 0;
  for (const m of f.milestones) {
    if (!m.crossed || m.at === null) continue;
    const breach = m.percent === 100;
    if (breach ? toBool(row.breach_fired) : row.warned_percent >= m.percent) continue;
    const won = breach
      ? await trx.updateTable("ticket_slas").set({ breach_fired: true }).where("id", "=", row.id).where("breach_fired", "=", false).executeTakeFirst()
      : await trx.updateTable("ticket_slas").set({ warned_percent: m.percent }).where("id", "=", row.id).where("warned_percent", "<", m.percent).executeTakeFirst();
    if (Number(won.numUpdatedRows) === 0) continue;
    fired++;
    const at = iso(m.at)!;
    const payload = { ticketSlaId: String(row.id), ticketId: hist.id, number: hist.number, kind: hist.kind, definitionId: def.id, name: def.name, type: def.type, target: def.target, percent: m.percent, at, firedAt: iso(now), dueAt: iso(f.dueAt), state: f.state };
    await emit(trx, { type: breach ? "sla.breached" : "sla.warning", payload });
    const body = breach
      ? `SLA "${def.name}" breached at ${at} (target ${formatDuration(def.targetMs)})`
      : `SLA "${def.name}": ${m.percent}% of ${formatDuration(def.targetMs)} used at ${at}${f.dueAt ? `; breach due ${iso(f.dueAt)}` : ""}`;
    await addEntry(trx, SYSTEM_ACTOR, hist.id, { type: "system", public: false, body, data: { sla: { event: breach ? "breached" : "warning", ...payload } } });
  }
  return fired;
}

/** Writes the clock's history entries not yet recorded (the natural key makes repeats no-ops). */
async function recordHistory(trx: Trx, ticketSlaId: number | string, f: ClockFigures, now: number): Promise<void> {
  if (!f.history.length) return;
  await trx
    .insertInto("ticket_sla_events")
    .values(f.history.map((h) => ({ ticket_sla_id: Number(ticketSlaId), type: h.type, at: h.at, percent: h.percent ?? 0, text: h.text, recorded_at: iso(now)! })))
    .onConflict((oc) => oc.columns(["ticket_sla_id", "type", "at", "percent"]).doNothing())
    .execute();
}
