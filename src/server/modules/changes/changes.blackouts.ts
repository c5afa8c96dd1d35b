/** Blackout windows: periods (everywhere, or on some CIs and services) in which changes should not happen. */
import { randomUUID } from "node:crypto";
import type { ChangeBlackout, CreateChangeBlackoutBody, ListChangeBlackoutsQuery, UpdateChangeBlackoutBody } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import type { ChangeBlackoutsTable } from "../../platform/db/schema.changes.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { diffFields, recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { NotFoundError, ValidationError } from "../../platform/errors.js";
import { paginate, sortSpec } from "../../platform/list.js";
import { nowIso } from "../../platform/time.js";

const SORTS = { startsAt: "starts_at", name: "name" };

/** API shapes of blackout rows, with the names of the CIs they apply to. */
async function toBlackouts(db: DbOrTrx, rows: ChangeBlackoutsTable[]): Promise<ChangeBlackout[]> {
  const ids = [...new Set(rows.flatMap((r) => JSON.parse(r.ci_ids) as string[]))];
  const names = new Map<string, string>();
  if (ids.length) for (const c of await db.selectFrom("cis").select(["id", "name"]).where("id", "in", ids).execute()) names.set(c.id, c.name);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    // A CI deleted since is dropped from the scope rather than shown by its id.
    cis: (JSON.parse(r.ci_ids) as string[]).filter((id) => names.has(id)).map((id) => ({ id, name: names.get(id)! })),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** Blackout windows overlapping [from, to), by start. */
export async function blackoutsBetween(db: DbOrTrx, from: string, to: string): Promise<ChangeBlackout[]> {
  const rows = await db.selectFrom("change_blackouts").selectAll().where("starts_at", "<", to).where("ends_at", ">", from).orderBy("starts_at").orderBy("id").execute();
  return toBlackouts(db, rows);
}

async function loadBlackout(db: DbOrTrx, id: string): Promise<ChangeBlackout> {
  const row = await db.selectFrom("change_blackouts").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError("change_blackout.not_found", `No blackout window ${id}`, { id });
  return (await toBlackouts(db, [row]))[0];
}

/** Lists blackout windows, optionally those overlapping a range. */
export async function listBlackouts(db: Db, actor: Actor, query: ListChangeBlackoutsQuery) {
  requirePermission(actor, "tickets.read");
  let q = db.selectFrom("change_blackouts").selectAll();
  if (query.to) q = q.where("starts_at", "<", new Date(query.to).toISOString());
  if (query.from) q = q.where("ends_at", ">", new Date(query.from).toISOString());
  const page = await paginate(q, query, sortSpec(query.sort, SORTS, "startsAt"), "id", (r) => r);
  return { ...page, items: await toBlackouts(db, page.items) };
}

/** One blackout window. */
export async function getBlackout(db: Db, actor: Actor, id: string): Promise<ChangeBlackout> {
  requirePermission(actor, "tickets.read");
  return loadBlackout(db, id);
}

/** The window and scope after an edit, checked: it ends after it starts, its CIs exist. */
async function checked(db: DbOrTrx, input: { startsAt: string; endsAt: string; ciIds: string[] }) {
  const startsAt = new Date(input.startsAt).toISOString();
  const endsAt = new Date(input.endsAt).toISOString();
  if (endsAt <= startsAt) throw new ValidationError("change_blackout.window_invalid", "The window must end after it starts", { field: "endsAt" });
  if (input.ciIds.length) {
    const found = new Set((await db.selectFrom("cis").select("id").where("id", "in", input.ciIds).execute()).map((c) => c.id));
    const missing = input.ciIds.find((id) => !found.has(id));
    if (missing) throw new ValidationError("change_blackout.unknown_ci", `No configuration item ${missing}`, { field: "ciIds" });
  }
  return { starts_at: startsAt, ends_at: endsAt, ci_ids: JSON.stringify(input.ciIds) };
}

/** Creates a blackout window. */
export async function createBlackout(db: Db, actor: Actor, input: CreateChangeBlackoutBody): Promise<ChangeBlackout> {
  requirePermission(actor, "tickets.admin");
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    const id = randomUUID();
    const window = await checked(trx, { startsAt: input.startsAt, endsAt: input.endsAt, ciIds: input.ciIds ?? [] });
    await trx.insertInto("change_blackouts").values({ id, name: input.name.trim(), description: input.description ?? "", ...window, created_at: now, updated_at: now }).execute();
    const created = await loadBlackout(trx, id);
    await recordAudit(trx, actor, { action: "create", entity: "change_blackout", entityId: id, after: created });
    await emit(trx, { type: "change_blackout.created", payload: { id } });
    return created;
  });
}

/** Edits a blackout window. */
export async function updateBlackout(db: Db, actor: Actor, id: string, input: UpdateChangeBlackoutBody): Promise<ChangeBlackout> {
  requirePermission(actor, "tickets.admin");
  return db.transaction().execute(async (trx) => {
    const before = await loadBlackout(trx, id);
    const window = await checked(trx, {
      startsAt: input.startsAt ?? before.startsAt,
      endsAt: input.endsAt ?? before.endsAt,
      ciIds: input.ciIds ?? before.cis.map((c) => c.id),
    });
    await trx
      .updateTable("change_blackouts")
      .set({
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...window,
        updated_at: nowIso(),
      })
      .where("id", "=", id)
      .execute();
    const after = await loadBlackout(trx, id);
    await recordAudit(trx, actor, { action: "update", entity: "change_blackout", entityId: id, ...diffFields(before, after) });
    await emit(trx, { type: "change_blackout.updated", payload: { id } });
    return after;
  });
}

/** Deletes a blackout window. */
export async function deleteBlackout(db: Db, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, "tickets.admin");
  await db.transaction().execute(async (trx) => {
    const before = await loadBlackout(trx, id);
    await trx.deleteFrom("change_blackouts").where("id", "=", id).execute();
    await recordAudit(trx, actor, { action: "delete", entity: "change_blackout", entityId: id, before });
    await emit(trx, { type: "change_blackout.deleted", payload: { id } });
  });
}
