/** Assignment groups ("Service Desk", "Network Ops") and their members. */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { CreateGroupBody, Group, ListGroupsQuery, UpdateGroupBody, User } from "../../../contract/index.js";
import type { Db, DbOrTrx } from "../../platform/db/schema.js";
import { requirePermission, type Actor } from "../../platform/auth/permissions.js";
import { diffFields, recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { ConflictError, isUniqueViolation, NotFoundError } from "../../platform/errors.js";
import { containsAny, paginate, sortSpec } from "../../platform/list.js";
import { nowIso } from "../../platform/time.js";
import { toUser } from "./users.service.js";

interface GroupRow {
  id: string;
  name: string;
  description: string;
  email: string | null;
  created_at: string;
  updated_at: string;
  member_count: number | string;
}

function toGroup(row: GroupRow): Group {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    email: row.email,
    memberCount: Number(row.member_count),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function selectGroups(db: DbOrTrx) {
  return db
    .selectFrom("groups as g")
    .select([
      "g.id",
      "g.name",
      "g.description",
      "g.email",
      "g.created_at",
      "g.updated_at",
      sql<number>`(select count(*) from group_members m where m.group_id = g.id)`.as("member_count"),
    ]);
}

const SORTS = { name: "g.name", createdAt: "g.created_at" };

/** Lists groups with search and pagination. */
export async function listGroups(db: Db, actor: Actor, query: ListGroupsQuery) {
  requirePermission(actor, "groups.read");
  let q = selectGroups(db);
  if (query.q) q = q.where(containsAny(["g.name", "g.description"], query.q));
  return paginate(q, query, sortSpec(query.sort, SORTS, "name"), "g.id", toGroup);
}

async function loadGroup(db: DbOrTrx, id: string): Promise<Group> {
  const row = await selectGroups(db).where("g.id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError("group.not_found", `No group ${id}`, { id });
  return toGroup(row);
}

/** One group. */
export async function getGroup(db: Db, actor: Actor, id: string): Promise<Group> {
  requirePermission(actor, "groups.read");
  return loadGroup(db, id);
}

function nameTaken(name: string) {
  return new ConflictError("group.name_taken", `A group named "${name}" already exists`, { field: "name" });
}

/** Creates a group. */
export async function createGroup(db: Db, actor: Actor, input: CreateGroupBody): Promise<Group> {
  requirePermission(actor, "groups.write");
  const now = nowIso();
  const row = { id: randomUUID(), name: input.name.trim(), description: input.description ?? "", email: input.email ?? null, created_at: now, updated_at: now };
  try {
    return await db.transaction().execute(async (trx) => {
      await trx.insertInto("groups").values(row).execute();
      const group = toGroup({ ...row, member_count: 0 });
      await recordAudit(trx, actor, { action: "create", entity: "group", entityId: row.id, after: group });
      await emit(trx, { type: "group.created", payload: { id: row.id } });
      return group;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(row.name);
    throw err;
  }
}

/** Updates a group's name, description or email. */
export async function updateGroup(db: Db, actor: Actor, id: string, input: UpdateGroupBody): Promise<Group> {
  requirePermission(actor, "groups.write");
  try {
    return await db.transaction().execute(async (trx) => {
      const before = await loadGroup(trx, id);
      await trx
        .updateTable("groups")
        .set({
          ...(input.name !== undefined ? { name: input.name.trim() } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.email !== undefined ? { email: input.email } : {}),
          updated_at: nowIso(),
        })
        .where("id", "=", id)
        .execute();
      const after = await loadGroup(trx, id);
      await recordAudit(trx, actor, { action: "update", entity: "group", entityId: id, ...diffFields(before, after) });
      await emit(trx, { type: "group.updated", payload: { id } });
      return after;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name ?? "");
    throw err;
  }
}

/** Deletes a group and its memberships. */
export async function deleteGroup(db: Db, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, "groups.write");
  await db.transaction().execute(async (trx) => {
    const before = await loadGroup(trx, id);
    await trx.deleteFrom("groups").where("id", "=", id).execute();
    await recordAudit(trx, actor, { action: "delete", entity: "group", entityId: id, before });
    await emit(trx, { type: "group.deleted", payload: { id } });
  });
}

/** Members of a group, by name. */
export async function listMembers(db: Db, actor: Actor, id: string): Promise<{ items: User[] }> {
  requirePermission(actor, "groups.read");
  await loadGroup(db, id);
  const rows = await db
    .selectFrom("group_members as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .selectAll("u")
    .where("m.group_id", "=", id)
    .orderBy("u.name")
    .execute();
  return { items: rows.map(toUser) };
}

/** Adds a user to a group; adding an existing member changes nothing. */
export async function addMember(db: Db, actor: Actor, groupId: string, userId: string): Promise<void> {
  requirePermission(actor, "groups.write");
  await db.transaction().execute(async (trx) => {
    await loadGroup(trx, groupId);
    const user = await trx.selectFrom("users").select(["id", "email"]).where("id", "=", userId).executeTakeFirst();
    if (!user) throw new NotFoundError("user.not_found", `No user ${userId}`, { id: userId });
    const existing = await trx.selectFrom("group_members").select("user_id").where("group_id", "=", groupId).where("user_id", "=", userId).executeTakeFirst();
    if (existing) return;
    await trx.insertInto("group_members").values({ group_id: groupId, user_id: userId, created_at: nowIso() }).execute();
    await recordAudit(trx, actor, { action: "add_member", entity: "group", entityId: groupId, after: { userId, email: user.email } });
    await emit(trx, { type: "group.member_added", payload: { groupId, userId } });
  });
}

/** Removes a user from a group. */
export async function removeMember(db: Db, actor: Actor, groupId: string, userId: string): Promise<void> {
  requirePermission(actor, "groups.write");
  await db.transaction().execute(async (trx) => {
    await loadGroup(trx, groupId);
    const res = await trx.deleteFrom("group_members").where("group_id", "=", groupId).where("user_id", "=", userId).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) {
      throw new NotFoundError("group.member_not_found", `User ${userId} is not a member of this group`, { userId });
    }
    await recordAudit(trx, actor, { action: "remove_member", entity: "group", entityId: groupId, before: { userId } });
    await emit(trx, { type: "group.member_removed", payload: { groupId, userId } });
  });
}
