/** Browser sessions: a random cookie value, stored only as its SHA-256. */
import type { DbOrTrx } from "../db/schema.js";
import { isoIn, nowIso } from "../time.js";
import { randomSecret, sha256 } from "./secrets.js";
import { forgetCachedActors } from "./authenticate.js";

export const SESSION_COOKIE = "opsdesk_session";

export interface NewSession {
  cookieValue: string;
  sessionId: string;
  csrfToken: string;
  expiresAt: string;
}

/** Creates a session for a user and returns the cookie value (never stored in clear). */
export async function createSession(
  db: DbOrTrx,
  userId: string,
  ttlMs: number,
  client: { ip: string | null; userAgent: string | null },
): Promise<NewSession> {
  const cookieValue = randomSecret(32);
  const sessionId = sha256(cookieValue);
  const csrfToken = randomSecret(24);
  const now = nowIso();
  const expiresAt = isoIn(ttlMs);
  await db
    .insertInto("sessions")
    .values({
      id: sessionId,
      user_id: userId,
      csrf_token: csrfToken,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      ip: client.ip,
      user_agent: client.userAgent?.slice(0, 500) ?? null,
    })
    .execute();
  return { cookieValue, sessionId, csrfToken, expiresAt };
}

/** Ends one session. */
export async function deleteSession(db: DbOrTrx, sessionId: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
  forgetCachedActors();
}

/** Ends every session of a user except, optionally, one (used after a password change). */
export async function deleteUserSessions(db: DbOrTrx, userId: string, keepSessionId?: string): Promise<void> {
  await db
    .deleteFrom("sessions")
    .where("user_id", "=", userId)
    .$if(keepSessionId !== undefined, (qb) => qb.where("id", "!=", keepSessionId!))
    .execute();
  forgetCachedActors();
}

/** Removes expired sessions (run periodically by the worker). */
export async function purgeExpiredSessions(db: DbOrTrx): Promise<number> {
  const res = await db.deleteFrom("sessions").where("expires_at", "<", nowIso()).executeTakeFirst();
  return Number(res.numDeletedRows ?? 0);
}
