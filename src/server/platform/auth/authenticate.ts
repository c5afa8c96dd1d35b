/**
 * Resolves the caller of a request: an API token (Bearer, or Basic with the token as the
 * password, as Prometheus and amtool send it) or a session cookie.
 */
import type { Db } from "../db/schema.js";
import { toBool } from "../db/dialect.js";
import { isRole, permissionsOf, type Actor } from "./permissions.js";
import { sha256 } from "./secrets.js";
import { param, runPrecompiled } from "../db/precompiled.js";
import { isoIn, nowIso } from "../time.js";

// Touching last_used_at / last_seen_at on every request would turn reads into writes;
// once a minute is precise enough for people and cheap for the database.
const TOUCH_EVERY_MS = 60_000;
const lastTouch = new Map<string, number>();

function due(key: string): boolean {
  const now = Date.now();
  const prev = lastTouch.get(key) ?? 0;
  if (now - prev < TOUCH_EVERY_MS) return false;
  lastTouch.set(key, now);
  if (lastTouch.size > 50_000) lastTouch.clear();
  return true;
}

/** Extracts a token from an Authorization header (Bearer, or Basic with the token as password). */
export function tokenFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const space = header.indexOf(" ");
  if (space < 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).split(" ", 1)[0];
  if (!value) return null;
  if (scheme === "bearer") return value.trim();
  if (scheme === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  active: unknown;
}

// A role's permission set is the same on every request; building it anew cost a Set per request.
const rolePermissions = new Map<string, Actor["permissions"]>();

function permissionsFor(role: string): Actor["permissions"] {
  let set = rolePermissions.get(role);
  if (!set) rolePermissions.set(role, (set = permissionsOf(role)));
  return set;
}

function actorFrom(row: UserRow, via: Actor["via"], ip: string | null): Actor | null {
  if (!toBool(row.active) || !isRole(row.role)) return null;
  return { kind: "user", id: row.id, name: row.name, email: row.email, role: row.role, permissions: permissionsFor(row.role), via, ip };
}

/** The actor behind an API token, or null when the token is unknown, revoked or expired. */
export async function actorFromToken(db: Db, token: string, ip: string | null): Promise<Actor | null> {
  const now = nowIso();
  const [row] = await runPrecompiled(
    db,
    "auth.token",
    () =>
      db
        .selectFrom("api_tokens as t")
        .innerJoin("users as u", "u.id", "t.user_id")
        .select(["t.id as token_id", "u.id", "u.email", "u.name", "u.role", "u.active"])
        .where("t.token_hash", "=", param("hash"))
        .where("t.revoked_at", "is", null)
        .where((eb) => eb.or([eb("t.expires_at", "is", null), eb("t.expires_at", ">", param("now"))])),
    { hash: sha256(token), now },
  );
  if (!row) return null;
  const actor = actorFrom(row, "token", ip);
  if (!actor) return null;
  actor.tokenId = row.token_id;
  if (due(`t:${row.token_id}`)) {
    await db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", row.token_id).execute();
  }
  return actor;
}

/** The actor behind a session cookie, sliding its expiry forward while it is used. */
export async function actorFromSession(db: Db, cookieValue: string, ttlMs: number, ip: string | null): Promise<Actor | null> {
  const sessionId = sha256(cookieValue);
  const now = nowIso();
  const [row] = await runPrecompiled(
    db,
    "auth.session",
    () =>
      db
        .selectFrom("sessions as s")
        .innerJoin("users as u", "u.id", "s.user_id")
        .select(["s.id as session_id", "s.csrf_token", "u.id", "u.email", "u.name", "u.role", "u.active"])
        .where("s.id", "=", param("id"))
        .where("s.expires_at", ">", param("now")),
    { id: sessionId, now },
  );
  if (!row) return null;
  const actor = actorFrom(row, "session", ip);
  if (!actor) return null;
  actor.sessionId = row.session_id;
  actor.csrfToken = row.csrf_token;
  if (due(`s:${sessionId}`)) {
    await db.updateTable("sessions").set({ last_seen_at: now, expires_at: isoIn(ttlMs) }).where("id", "=", sessionId).execute();
  }
  return actor;
}
