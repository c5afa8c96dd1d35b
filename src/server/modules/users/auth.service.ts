/** Signing in and out, first-run setup and password changes. */
import type { Db } from "../../platform/db/schema.js";
import type { SetupBody, User } from "../../../contract/index.js";
import { countUsers, createUser, findUserByEmail, toUser } from "./users.service.js";
import { toBool } from "../../platform/db/dialect.js";
import { recordAudit } from "../../platform/audit.js";
import { ConflictError, isUniqueViolation, UnauthenticatedError, ValidationError } from "../../platform/errors.js";
import { nowIso } from "../../platform/time.js";
import { hashPassword, verifyPassword } from "../../platform/auth/passwords.js";
import { permissionsOf, SYSTEM_ACTOR, type Actor } from "../../platform/auth/permissions.js";
import { createSession, deleteSession, deleteUserSessions, type NewSession } from "../../platform/auth/sessions.js";
import { forgetCachedActors } from "../../platform/auth/authenticate.js";
import { assertNotThrottled, clearFailures, recordFailure } from "../../platform/auth/throttle.js";

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface SignedIn {
  user: User;
  session: NewSession;
  permissions: string[];
}

const SETUP_KEY = "setup.completed";

/** True until the first user exists. */
export async function setupNeeded(db: Db): Promise<boolean> {
  return (await countUsers(db)) === 0;
}

function actorFor(user: User, ip: string | null): Actor {
  return { kind: "user", id: user.id, name: user.name, email: user.email, role: user.role, permissions: permissionsOf(user.role), via: "session", ip };
}

/**
 * Creates the first administrator, once. A settings row with a unique key makes two
 * simultaneous setup requests impossible to both succeed.
 */
export async function completeSetup(db: Db, input: SetupBody, client: ClientInfo, ttlMs: number): Promise<SignedIn> {
  if (!(await setupNeeded(db))) throw new ConflictError("setup.already_done", "OpsDesk is already set up; sign in instead");
  try {
    await db.insertInto("settings").values({ key: SETUP_KEY, value: nowIso(), updated_at: nowIso() }).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError("setup.already_done", "OpsDesk is already set up; sign in instead");
    throw err;
  }
  const user = await createUser(db, { ...SYSTEM_ACTOR, ip: client.ip }, { ...input, role: "admin", active: true });
  const session = await createSession(db, user.id, ttlMs, client);
  await db.updateTable("users").set({ last_login_at: nowIso() }).where("id", "=", user.id).execute();
  await recordAudit(db, actorFor(user, client.ip), { action: "setup", entity: "user", entityId: user.id });
  return { user, session, permissions: [...permissionsOf("admin")] };
}

/** Creates the first admin from OPSDESK_ADMIN_EMAIL / OPSDESK_ADMIN_PASSWORD when no user exists. */
export async function ensureAdminFromEnv(db: Db, email: string | null, password: string | null, name: string): Promise<User | null> {
  if (!email || !password || !(await setupNeeded(db))) return null;
  if (password.length < 8) throw new Error("OPSDESK_ADMIN_PASSWORD must be at least 8 characters");
  try {
    await db.insertInto("settings").values({ key: SETUP_KEY, value: nowIso(), updated_at: nowIso() }).execute();
  } catch (err) {
    if (isUniqueViolation(err)) return null; // another node did it first
    throw err;
  }
  return createUser(db, SYSTEM_ACTOR, { email, name, password, role: "admin", active: true });
}

const INVALID = "Email or password is incorrect";

/** Verifies credentials, with throttling and answers that never reveal whether an email exists. */
export async function login(db: Db, email: string, password: string, client: ClientInfo, ttlMs: number): Promise<SignedIn> {
  await assertNotThrottled(db, email, client.ip);
  const row = await findUserByEmail(db, email);
  const ok = await verifyPassword(row?.password_hash ?? null, password);
  if (!row || !ok || !toBool(row.active)) {
    await recordFailure(db, email, client.ip);
    if (row) {
      const reason = ok ? "inactive" : "wrong_password";
      await recordAudit(db, { ...SYSTEM_ACTOR, ip: client.ip }, { action: "login_failed", entity: "user", entityId: row.id, after: { reason } });
    }
    throw new UnauthenticatedError("auth.invalid_credentials", INVALID);
  }
  await clearFailures(db, email);
  const now = nowIso();
  await db.updateTable("users").set({ last_login_at: now }).where("id", "=", row.id).execute();
  const user = toUser({ ...row, last_login_at: now });
  const session = await createSession(db, user.id, ttlMs, client);
  await recordAudit(db, actorFor(user, client.ip), { action: "login", entity: "user", entityId: user.id });
  return { user, session, permissions: [...permissionsOf(user.role)] };
}

/** Ends the caller's session (token callers have none; nothing to do). */
export async function logout(db: Db, actor: Actor): Promise<void> {
  if (!actor.sessionId || !actor.id) return;
  await deleteSession(db, actor.sessionId);
  await recordAudit(db, actor, { action: "logout", entity: "user", entityId: actor.id });
}

/** Changes the caller's password; every other session of theirs ends. */
export async function changePassword(db: Db, actor: Actor, current: string, next: string, ip: string | null): Promise<void> {
  if (!actor.id || !actor.email) throw new UnauthenticatedError();
  await assertNotThrottled(db, actor.email, ip);
  const row = await db.selectFrom("users").select(["password_hash"]).where("id", "=", actor.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, current))) {
    await recordFailure(db, actor.email, ip);
    throw new ValidationError("auth.wrong_password", "The current password is not correct", { field: "currentPassword" });
  }
  if (current === next) throw new ValidationError("auth.same_password", "The new password must differ from the current one", { field: "newPassword" });
  const hash = await hashPassword(next);
  const now = nowIso();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("users").set({ password_hash: hash, password_changed_at: now, updated_at: now }).where("id", "=", actor.id!).execute();
    await deleteUserSessions(trx, actor.id!, actor.sessionId);
    await recordAudit(trx, actor, { action: "password_change", entity: "user", entityId: actor.id! });
  }).finally(forgetCachedActors);
}
