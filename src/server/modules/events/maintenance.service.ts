/** Maintenance windows on CIs and services: their alerts are stored as suppressed while the window lasts. */
import { randomUUID } from "node:crypto";
import type { CreateMaintenanceBody } from "../../../contract/index.js";
import type { Db } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { actorLabel, recordAudit } from "../../platform/audit.js";
import { NotFoundError, ValidationError } from "../../platform/errors.js";
import type { EventsEngine } from "./events.engine.js";

type Row = { id: string; name: string; ci_id: string; starts_at: string; ends_at: string; comment: string; created_by: string; created_at: string; ci_name: string; ci_class: string };

function toWindow(r: Row, now: string) {
  return {
    id: r.id,
    name: r.name,
    ci: { id: r.ci_id, name: r.ci_name, class: r.ci_class },
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    state: (r.ends_at <= now ? "expired" : r.starts_at > now ? "pending" : "active") as "expired" | "pending" | "active",
    comment: r.comment,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

function base(db: Db) {
  return db
    .selectFrom("maintenance_windows as m")
    .innerJoin("cis as c", "c.id", "m.ci_id")
    .select(["m.id", "m.name", "m.ci_id", "m.starts_at", "m.ends_at", "m.comment", "m.created_by", "m.created_at", "c.name as ci_name", "c.class as ci_class"]);
}

/** GET /api/v1/events/maintenance: windows not yet over (and those of the last week). */
export async function listMaintenance(db: Db, actor: Actor) {
  requirePermission(actor, "events.read");
  const now = new Date().toISOString();
  const weekAgo = new Date(Date.now() - 7 * 86400_000).toISOString();
  const rows = await base(db).where("m.ends_at", ">", weekAgo).orderBy("m.starts_at", "desc").limit(500).execute();
  return { items: rows.map((r) => toWindow(r, now)) };
}

/** POST /api/v1/events/maintenance. */
export async function createMaintenance(db: Db, engine: EventsEngine, actor: Actor, input: CreateMaintenanceBody) {
  requirePermission(actor, "events.write");
  const now = new Date().toISOString();
  const startsAt = new Date(input.startsAt).toISOString();
  const endsAt = new Date(input.endsAt).toISOString();
  if (endsAt <= startsAt) throw new ValidationError("maintenance.invalid_time", "endsAt must be after startsAt", { field: "endsAt" });
  const ci = await db.selectFrom("cis").select("id").where("id", "=", input.ciId).executeTakeFirst();
  if (!ci) throw new ValidationError("maintenance.unknown_ci", `No CI ${input.ciId}`, { field: "ciId" });
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("maintenance_windows").values({ id, name: input.name, ci_id: input.ciId, starts_at: startsAt, ends_at: endsAt, comment: input.comment ?? "", created_by: actorLabel(actor), created_at: now }).execute();
    await recordAudit(trx, actor, { action: "create", entity: "maintenance_window", entityId: id, after: input });
  });
  await engine.suppressionChanged();
  const row = await base(db).where("m.id", "=", id).executeTakeFirstOrThrow();
  return toWindow(row, new Date().toISOString());
}

/** DELETE /api/v1/events/maintenance/:id: ends the window now. */
export async function endMaintenance(db: Db, engine: EventsEngine, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, "events.write");
  const now = new Date().toISOString();
  const row = await db.selectFrom("maintenance_windows").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError("maintenance.not_found", `No maintenance window ${id}`, { field: "id" });
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("maintenance_windows").set({ ends_at: row.ends_at < now ? row.ends_at : now, starts_at: row.starts_at > now ? now : row.starts_at }).where("id", "=", id).execute();
    await recordAudit(trx, actor, { action: "end", entity: "maintenance_window", entityId: id, before: row });
  });
  await engine.suppressionChanged();
}
