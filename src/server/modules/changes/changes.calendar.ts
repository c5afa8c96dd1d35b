/**
 * The change calendar and scheduling conflicts. Two open changes conflict when their planned
 * windows overlap and they touch the same CI (main or affected), or the same business
 * service (one impacts a service the other impacts or touches directly). A change also
 * conflicts with every blackout window it overlaps that applies everywhere or to one of its
 * CIs or services. Conflicts are warnings: computed when read, never stored, so they follow
 * every later edit of either change.
 */
import type { ChangeCalendar, ChangeCalendarQuery, ChangeConflict } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { ValidationError } from "../../platform/errors.js";
import { blackoutsBetween } from "./changes.blackouts.js";
import { requireChange } from "./changes.lookup.js";

/** States whose changes no longer hold a slot on the calendar. */
export const FINISHED_STATES = ["closed", "canceled"];
/** The widest calendar range: a quarter (a month view with its leading and trailing weeks fits). */
const MAX_RANGE_MS = 93 * 86_400_000;
const CHUNK = 1000;
/** Changes shown on one calendar page at most. */
const CALENDAR_LIMIT = 2000;

type Ref = { id: string; name: string };
interface Window {
  id: string;
  number: string;
  title: string;
  state: string;
  plannedStart: string;
  plannedEnd: string;
}
interface Scope {
  cis: Map<string, string>;
  services: Map<string, string>;
}

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

function windowsQuery(db: DbOrTrx) {
  return db
    .selectFrom("change_details as d")
    .innerJoin("tickets as t", "t.id", "d.ticket_id")
    .select(["t.id", "t.number", "t.title", "t.state", "d.planned_start", "d.planned_end"])
    .where("t.kind", "=", "change")
    .where("d.planned_start", "is not", null)
    .where("d.planned_end", "is not", null);
}

const toWindow = (r: { id: number | string; number: string; title: string; state: string; planned_start: string | null; planned_end: string | null }): Window => ({
  id: String(r.id),
  number: r.number,
  title: r.title,
  state: r.state,
  plannedStart: r.planned_start!,
  plannedEnd: r.planned_end!,
});

/** Main CI, affected CIs and impacted services of each change, by ticket id. */
async function scopes(db: DbOrTrx, ids: string[]): Promise<Map<string, Scope>> {
  const out = new Map<string, Scope>(ids.map((id) => [id, { cis: new Map(), services: new Map() }]));
  for (const part of chunks(ids.map(Number))) {
    const mains = await db.selectFrom("tickets as t").innerJoin("cis as c", "c.id", "t.ci_id").select(["t.id", "c.id as ci_id", "c.name"]).where("t.id", "in", part).execute();
    for (const m of mains) out.get(String(m.id))!.cis.set(m.ci_id, m.name);
    const linked = await db.selectFrom("ticket_cis as tc").innerJoin("cis as c", "c.id", "tc.ci_id").select(["tc.ticket_id", "tc.role", "c.id", "c.name"]).where("tc.ticket_id", "in", part).execute();
    for (const l of linked) {
      const s = out.get(String(l.ticket_id))!;
      (l.role === "service" ? s.services : s.cis).set(l.id, l.name);
    }
  }
  return out;
}

function shared(a: Map<string, string>, ...others: Array<Map<string, string>>): Ref[] {
  const out: Ref[] = [];
  for (const [id, name] of a) if (others.some((o) => o.has(id))) out.push({ id, name });
  return out;
}

const overlaps = (a: { start: string; end: string }, b: { start: string; end: string }) => a.start < b.end && b.start < a.end;

/** The conflicts of each change (by ticket id); changes without a window or finished have none. */
export async function conflictsFor(db: DbOrTrx, ids: string[]): Promise<Map<string, ChangeConflict[]>> {
  const out = new Map<string, ChangeConflict[]>(ids.map((id) => [id, []]));
  const mine: Window[] = [];
  for (const part of chunks(ids.map(Number))) mine.push(...(await windowsQuery(db).where("t.id", "in", part).where("t.state", "not in", FINISHED_STATES).execute()).map(toWindow));
  if (!mine.length) return out;
  const from = mine.reduce((m, w) => (w.plannedStart < m ? w.plannedStart : m), mine[0].plannedStart);
  const to = mine.reduce((m, w) => (w.plannedEnd > m ? w.plannedEnd : m), mine[0].plannedEnd);
  const others = (await windowsQuery(db).where("t.state", "not in", FINISHED_STATES).where("d.planned_start", "<", to).where("d.planned_end", ">", from).execute()).map(toWindow);
  const scope = await scopes(db, [...new Set([...mine, ...others].map((w) => w.id))]);
  const blackouts = await blackoutsBetween(db, from, to);
  for (const x of mine) {
    const sx = scope.get(x.id)!;
    const list = out.get(x.id)!;
    const wx = { start: x.plannedStart, end: x.plannedEnd };
    for (const y of others) {
      if (y.id === x.id || !overlaps(wx, { start: y.plannedStart, end: y.plannedEnd })) continue;
      const sy = scope.get(y.id)!;
      const change = { id: y.id, number: y.number, title: y.title, state: y.state, plannedStart: y.plannedStart, plannedEnd: y.plannedEnd };
      const sameCi = shared(sx.cis, sy.cis);
      if (sameCi.length) {
        list.push({ type: "same_ci", change, blackout: null, cis: sameCi });
        continue;
      }
      const sameService = [...shared(sx.services, sy.services, sy.cis), ...shared(sx.cis, sy.services)];
      if (sameService.length) list.push({ type: "same_service", change, blackout: null, cis: sameService });
    }
    for (const b of blackouts) {
      if (!overlaps(wx, { start: b.startsAt, end: b.endsAt })) continue;
      const scoped = new Map(b.cis.map((c) => [c.id, c.name]));
      const hit = [...shared(sx.cis, scoped), ...shared(sx.services, scoped)];
      if (scoped.size && !hit.length) continue;
      list.push({ type: "blackout", change: null, blackout: { id: b.id, name: b.name, startsAt: b.startsAt, endsAt: b.endsAt }, cis: hit });
    }
    list.sort((a, b) => (a.change?.plannedStart ?? a.blackout?.startsAt ?? "").localeCompare(b.change?.plannedStart ?? b.blackout?.startsAt ?? ""));
  }
  return out;
}

/** GET /changes/:ref/conflicts. */
export async function changeConflicts(db: DbOrTrx, actor: Actor, ref: string): Promise<{ items: ChangeConflict[] }> {
  requirePermission(actor, "tickets.read");
  const { ticket } = await requireChange(db, ref);
  return { items: (await conflictsFor(db, [ticket.id])).get(ticket.id) ?? [] };
}

/** Checks a calendar range: `to` after `from`, at most a quarter long. */
function requireRange(from: string, to: string): { from: string; to: string } {
  const start = new Date(from);
  const end = new Date(to);
  if (end <= start) throw new ValidationError("change.range_invalid", "`to` must be after `from`", { field: "to" });
  if (end.getTime() - start.getTime() > MAX_RANGE_MS) throw new ValidationError("change.range_too_long", "The calendar shows at most 93 days at once", { field: "to" });
  return { from: start.toISOString(), to: end.toISOString() };
}

/** GET /changes/calendar: changes whose planned window overlaps the range, with their conflicts, and the blackout windows. */
export async function changeCalendar(db: DbOrTrx, actor: Actor, query: ChangeCalendarQuery): Promise<ChangeCalendar> {
  requirePermission(actor, "tickets.read");
  const { from, to } = requireRange(query.from, query.to);
  let q = db
    .selectFrom("change_details as d")
    .innerJoin("tickets as t", "t.id", "d.ticket_id")
    .leftJoin("cis as c", "c.id", "t.ci_id")
    .select(["t.id", "t.number", "t.title", "t.state", "t.ci_id", "c.name as ci_name", "d.type", "d.risk", "d.planned_start", "d.planned_end"])
    .where("t.kind", "=", "change")
    .where("d.planned_start", "<", to)
    .where("d.planned_end", ">", from);
  if (!query.includeClosed) q = q.where("t.state", "not in", FINISHED_STATES);
  if (query.ciId) {
    const ciId = query.ciId;
    q = q.where((eb) => eb.or([eb("t.ci_id", "=", ciId), eb("t.id", "in", eb.selectFrom("ticket_cis").select("ticket_id").where("ci_id", "=", ciId))]));
  }
  const rows = await q.orderBy("d.planned_start").orderBy("t.id").limit(CALENDAR_LIMIT).execute();
  const conflicts = await conflictsFor(db, rows.map((r) => String(r.id)));
  return {
    from,
    to,
    changes: rows.map((r) => ({
      id: String(r.id),
      number: r.number,
      title: r.title,
      state: r.state,
      type: r.type as ChangeCalendar["changes"][number]["type"],
      risk: r.risk as ChangeCalendar["changes"][number]["risk"],
      plannedStart: r.planned_start!,
      plannedEnd: r.planned_end!,
      ci: r.ci_id ? { id: r.ci_id, name: r.ci_name ?? r.ci_id } : null,
      conflicts: conflicts.get(String(r.id)) ?? [],
    })),
    blackouts: await blackoutsBetween(db, from, to),
  };
}
