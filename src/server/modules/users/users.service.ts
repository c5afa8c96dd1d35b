/** Users: the people who sign in to OpsDesk. */
import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { CreateUserBody, ListUsersQuery, UpdateUserBody, User } from "../../../contract/index.js";
import type { Db, DbOrTrx, UsersTable } from "../../platform/db/schema.js";
import { toBool } from "../../platform/db/dialect.js";
import { can, requirePermission, type Actor, type Role } from "../../platform/auth/permissions.js";
import { hashPassword } from "../../platform/auth/passwords.js";
import { deleteUserSessions } from "../../platform/auth/sessions.js";
import { forgetCachedActors } from "../../platform/auth/authenticate.js";
import { diffFields, recordAudit } from "../../platform/audit.js";
import { emit } from "../../platform/outbox.js";
import { ConflictError, isUniqueViolation, NotFoundError } from "../../platform/errors.js";
import { containsAny, paginate, sortSpec } from "../../platform/list.js";
import { nowIso } from "../../platform/time.js";

/** The public shape of a user row. */
export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    active: toBool(row.active),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  };
}

/** Emails are compared and stored in lower case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const SORTS = { name: "name", email: "email", createdAt: "created_at", lastLoginAt: "last_login_at" };

/** Lists users with search, filters, sort and pagination. */
export async function listUsers(db: Db, actor: Actor, query: ListUsersQuery) {
  requirePermission(actor, "users.read");
  let q = db.selectFrom("users").selectAll();
  if (query.q) q = q.where(containsAny(["name", "email"], query.q));
  if (query.role) q = q.where("role", "=", query.role);
  if (query.active !== undefined) q = q.where("active", "=", query.active);
  return paginate(q, query, sortSpec(query.sort, SORTS, "name"), "id", toUser);
}

/** Groups a user belongs to. */
async function groupsOf(db: DbOrTrx, userId: string) {
  return db
    .selectFrom("group_members as m")
    .innerJoin("groups as g", "g.id", "m.group_id")
    .select(["g.id", "g.name"])
    .where("m.user_id", "=", userId)
    .orderBy("g.name")
    .execute();
}

/** One user with their groups; anyone may read themselves, others need users.read. */
export async function getUser(db: Db, actor: Actor, id: string): Promise<User> {
  if (actor.id !== id) requirePermission(actor, "users.read");
  const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError("user.not_found", `No user ${id}`, { id });
  return { ...toUser(row), groups: await groupsOf(db, id) };
}

/** Creates a user (admins; the CLI and first-run setup act as the system). */
export async function createUser(db: Db, actor: Actor, input: CreateUserBody): Promise<User> {
  requirePermission(actor, "users.write");
  const now = nowIso();
  const row = {
    id: randomUUID(),
    email: normaliseEmail(input.email),
    name: input.name.trim(),
    role: input.role,
    active: input.active ?? true,
    password_hash: input.password ? await hashPassword(input.password) : null,
    created_at: now,
    updated_at: now,
    last_login_at: null,
    password_changed_at: input.password ? now : null,
  };
  try {
    return await db.transaction().execute(async (trx) => {
      await trx.insertInto("users").values(row).execute();
      const user = toUser(row);
      await recordAudit(trx, actor, { action: "create", entity: "user", entityId: user.id, after: user });
      await emit(trx, { type: "user.created", payload: { id: user.id } });
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError("user.email_taken", `A user with email ${row.email} already exists`, { field: "email" });
    throw err;
  }
}

/** Updates a user; a new password or deactivation ends the user's sessions. */
export async function updateUser(db: Db, actor: Actor, id: string, input: UpdateUserBody): Promise<User> {
  requirePermission(actor, "users.write");
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
      if (!before) throw new NotFoundError("user.not_found", `No user ${id}`, { id });
      if (before.role === "admin" && ((input.role && input.role !== "admin") || input.active === false)) {
        await assertAnotherActiveAdmin(trx, id);
      }
      const now = nowIso();
      const patch = {
        ...(input.email !== undefined ? { email: normaliseEmail(input.email) } : {}),
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(passwordHash ? { password_hash: passwordHash, password_changed_at: now } : {}),
        updated_at: now,
      };
      const after = await trx.updateTable("users").set(patch).where("id", "=", id).returningAll().executeTakeFirstOrThrow();
      const diff = diffFields(toUser(before) as never, toUser(after) as never);
      if (passwordHash) diff.after.passwordChanged = true;
      await recordAudit(trx, actor, { action: "update", entity: "user", entityId: id, ...diff });
      if (passwordHash || input.active === false) await deleteUserSessions(trx, id);
      await emit(trx, { type: "user.updated", payload: { id } });
      return { ...toUser(after), groups: await groupsOf(trx, id) };
    }).finally(forgetCachedActors); // a role or active change applies to the next request
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError("user.email_taken", `A user with email ${input.email} already exists`, { field: "email" });
    throw err;
  }
}

/** Refuses to remove the last active admin: OpsDesk must never lock itself out. */
async function assertAnotherActiveAdmin(trx: DbOrTrx, exceptId: string): Promise<void> {
  const other = await trx
    .selectFrom("users")
    .select("id")
    .where("role", "=", "admin")
    .where("active", "=", true)
    .where("id", "!=", exceptId)
    .executeTakeFirst();
  if (!other) throw new ConflictError("user.last_admin", "This is the last active administrator; make someone else admin first");
}

/** Deletes a user (their sessions, tokens and memberships go with them). */
export async function deleteUser(db: Db, actor: Actor, id: string): Promise<void> {
  requirePermission(actor, "users.write");
  if (actor.id === id) throw new ConflictError("user.delete_self", "You cannot delete your own account");
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    if (!before) throw new NotFoundError("user.not_found", `No user ${id}`, { id });
    if (before.role === "admin") await assertAnotherActiveAdmin(trx, id);
    await trx.deleteFrom("users").where("id", "=", id).execute();
    await recordAudit(trx, actor, { action: "delete", entity: "user", entityId: id, before: toUser(before) });
    await emit(trx, { type: "user.deleted", payload: { id } });
  }).finally(forgetCachedActors);
}

/** Finds a user by email (case-insensitive). */
export async function findUserByEmail(db: DbOrTrx, email: string) {
  return db.selectFrom("users").selectAll().where("email", "=", normaliseEmail(email)).executeTakeFirst();
}

/** How many users exist (first-run detection). */
export async function countUsers(db: DbOrTrx): Promise<number> {
  const row = await db.selectFrom("users").select(db.fn.countAll<number>().as("n")).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** True when the actor may see another user's details. */
export function canReadUsers(actor: Actor): boolean {
  return can(actor, "users.read");
}
