/**
 * Login throttling, shared by every node through the database: failures are counted per
 * account (the email as typed, so unknown emails are throttled exactly like known ones) and
 * per client address.
 */
import type { DbOrTrx } from "../db/schema.js";
import { ThrottledError } from "../errors.js";
import { isoIn, nowIso } from "../time.js";

export interface ThrottleLimits {
  windowMs: number;
  perAccount: number;
  perAddress: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 30 };

function keys(email: string, ip: string | null): string[] {
  const out = [`acct:${email.trim().toLowerCase()}`];
  if (ip) out.push(`ip:${ip}`);
  return out;
}

/** Throws 429 when the account or the address has failed too often within the window. */
export async function assertNotThrottled(db: DbOrTrx, email: string, ip: string | null, limits = DEFAULT_LIMITS): Promise<void> {
  const since = isoIn(-limits.windowMs);
  for (const key of keys(email, ip)) {
    const rows = await db
      .selectFrom("login_failures")
      .select(["at"])
      .where("key", "=", key)
      .where("at", ">=", since)
      .orderBy("at", "asc")
      .execute();
    const limit = key.startsWith("acct:") ? limits.perAccount : limits.perAddress;
    if (rows.length >= limit) {
      // The oldest failure that still counts decides when one more attempt is allowed.
      const oldest = new Date(rows[rows.length - limit].at).getTime();
      const retryAfter = Math.max(1, Math.ceil((oldest + limits.windowMs - Date.now()) / 1000));
      throw new ThrottledError("auth.throttled", "Too many failed sign-in attempts. Try again later.", retryAfter);
    }
  }
}

/** Records one failed attempt for the account and the address; prunes expired rows. */
export async function recordFailure(db: DbOrTrx, email: string, ip: string | null, limits = DEFAULT_LIMITS): Promise<void> {
  const at = nowIso();
  const ks = keys(email, ip);
  await db.insertInto("login_failures").values(ks.map((key) => ({ key, at }))).execute();
  await db.deleteFrom("login_failures").where("key", "in", ks).where("at", "<", isoIn(-limits.windowMs)).execute();
}

/** Clears the account's failures after a successful sign-in. */
export async function clearFailures(db: DbOrTrx, email: string): Promise<void> {
  await db.deleteFrom("login_failures").where("key", "=", keys(email, null)[0]).execute();
}
