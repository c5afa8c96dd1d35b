/** Stored business calendars: CRUD for admins, and compiled calendars for the clock engine. */
import { randomUUID } from "node:crypto";
import { sql, type Selectable } from "kysely";
import { CALENDAR_24X7_ID, type CalendarDefinition, type SlaCalendar, type UpdateCalendarBody } from "../../../contract/index.js";
import type { DbOrTrx } from "../../platform/db/schema.js";
import type { SlaCalendarsTable } from "../../platform/db/schema.sla.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { recordAudit } from "../../platform/audit.js";
import { toBool } from "../../platform/db/dialect.js";
import { ConflictError, NotFoundError, isUniqueViolation } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { compileCalendar, type BusinessCalendar } from "./calendar.js";

function toCalendar(r: Selectable<SlaCalendarsTable>): SlaCalendar {
  return {
    id: r.id,
    name: r.name,
    timeZone: r.time_zone,
    hours: JSON.parse(r.hours),
    holidays: JSON.parse(r.holidays),
    builtIn: toBool(r.built_in),
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const compiled = new Map<string, { version: number; cal: BusinessCalendar }>();

/** The compiled calendar of an id (cached per version); unknown ids fall back to 24x7 so clocks never stop counting. */
export async function calendarFor(db: DbOrTrx, id: string): Promise<BusinessCalendar> {
  const row = await db.selectFrom("sla_calendars").selectAll().where("id", "=", id).executeTakeFirst();
  const key = row?.id ?? CALENDAR_24X7_ID;
  const hit = compiled.get(key);
  if (hit && row && hit.version === row.version) return hit.cal;
  const def: CalendarDefinition = row ? { name: row.name, timeZone: row.time_zone, hours: JSON.parse(row.hours), holidays: JSON.parse(row.holidays) } : { name: "24x7", timeZone: "UTC", hours: Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ start: "00:00", end: "24:00" }]])) };
  const cal = compileCalendar(def);
  compiled.set(key, { version: row?.version ?? 0, cal });
  return cal;
}

/** Every calendar, by name. */
export async function listCalendars(db: DbOrTrx, actor: Actor): Promise<{ items: SlaCalendar[] }> {
  requirePermission(actor, "sla.read");
  const rows = await db.selectFrom("sla_calendars").selectAll().orderBy("name").execute();
  return { items: rows.map(toCalendar) };
}

/** One calendar. */
export async function getCalendar(db: DbOrTrx, actor: Actor, id: string): Promise<SlaCalendar> {
  requirePermission(actor, "sla.read");
  const row = await db.selectFrom("sla_calendars").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError("sla.calendar_not_found", `No calendar ${id}`, { id });
  return toCalendar(row);
}

/** Creates a calendar (validated: zone, hours, holidays). */
export async function createCalendar(db: DbOrTrx, actor: Actor, input: CalendarDefinition): Promise<SlaCalendar> {
  requirePermission(actor, "sla.admin");
  compileCalendar(input);
  const now = nowIso();
  const id = randomUUID();
  try {
    await db.insertInto("sla_calendars").values({ id, name: input.name.trim(), time_zone: input.timeZone, hours: JSON.stringify(input.hours), holidays: JSON.stringify(input.holidays ?? []), built_in: false, version: 1, created_at: now, updated_at: now }).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError("sla.calendar_name_taken", `A calendar named "${input.name}" exists`, { field: "name" });
    throw err;
  }
  await recordAudit(db, actor, { action: "create", entity: "sla_calendar", entityId: id, after: input });
  return getCalendar(db, actor, id);
}

/** Edits a calendar; the built-in 24x7 calendar cannot be changed. Running clocks count in the new hours from now on. */
export async function updateCalendar(db: DbOrTrx, actor: Actor, id: string, input: UpdateCalendarBody): Promise<SlaCalendar> {
  requirePermission(actor, "sla.admin");
  const before = await getCalendar(db, actor, id);
  if (before.builtIn) throw new ConflictError("sla.calendar_built_in", "The built-in 24x7 calendar cannot be changed", { id });
  if (input.version !== undefined && input.version !== before.version) throw new ConflictError("sla.stale", `The calendar changed since version ${input.version}; reload it`, { version: before.version });
  const next: CalendarDefinition = { name: input.name ?? before.name, timeZone: input.timeZone ?? before.timeZone, hours: input.hours ?? before.hours, holidays: input.holidays ?? before.holidays };
  compileCalendar(next);
  try {
    const done = await db
      .updateTable("sla_calendars")
      .set({ name: next.name.trim(), time_zone: next.timeZone, hours: JSON.stringify(next.hours), holidays: JSON.stringify(next.holidays ?? []), version: sql`version + 1`, updated_at: nowIso() })
      .where("id", "=", id)
      .where("version", "=", before.version)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new ConflictError("sla.stale", "The calendar changed meanwhile; reload it", { version: before.version });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError("sla.calendar_name_taken", `A calendar named "${next.name}" exists`, { field: "name" });
    throw err;
  }
  const after = await getCalendar(db, actor, id);
  await recordAudit(db, actor, { action: "update", entity: "sla_calendar", entityId: id, before, after });
  return after;
}

/** Deletes a calendar no definition uses. */
export async function deleteCalendar(db: DbOrTrx, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, "sla.admin");
  const before = await getCalendar(db, actor, id);
  if (before.builtIn) throw new ConflictError("sla.calendar_built_in", "The built-in 24x7 calendar cannot be deleted", { id });
  const used = await db.selectFrom("sla_definitions").select("name").where("calendar_id", "=", id).executeTakeFirst();
  if (used) throw new ConflictError("sla.calendar_in_use", `Definition "${used.name}" uses this calendar`, { definition: used.name });
  await db.deleteFrom("sla_calendars").where("id", "=", id).execute();
  await recordAudit(db, actor, { action: "delete", entity: "sla_calendar", entityId: id, before });
}
