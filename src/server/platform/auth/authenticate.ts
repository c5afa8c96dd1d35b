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

function isDue(key: string): boolean {
  return Date.now() - (lastTouch.get(key) ?? 0) >= TOUCH_EVERY_MS;
}

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

/**
 * How long a resolved caller is reused without asking the database. Revoking a token, ending
 * a session, disabling a user or changing their role on this node clears the cache at once
 * (forgetCachedActors); done on another node or by another process (the CLI), it takes effect
 * here within this bound.
 */
export const ACTOR_CACHE_MS = 1_000;
const ACTOR_CACHE_MAX = 10_000;

interface CachedActor {
  actor: Actor;
  until: number;
  generation: number;
}

// Per database handle: tests run many apps, each on its own database, in one process.
const actorCaches = new WeakMap<Db, Map<string, CachedActor>>();
let generation = 0;

/** Drops every cached caller; call after committing a change to tokens, sessions, users or roles. */
export function forgetCachedActors(): void {
  generation++;
}

function cachedActor(db: Db, key: string, ip: string | null): Actor | null {
  const hit = actorCaches.get(db)?.get(key);
  if (!hit || hit.generation !== generation || hit.until <= Date.now()) return null;
  return { ...hit.actor, ip };
}

/** Remembers a caller resolved under `gen` (taken before the lookup, so a change committed meanwhile wins). */
function rememberActor(db: Db, key: string, actor: Actor, gen: number, expiresAt: string | null): void {
  let cache = actorCaches.get(db);
  if (!cache) actorCaches.set(db, (cache = new Map()));
  if (cache.size >= ACTOR_CACHE_MAX) cache.clear();
  // Never past the credential's own expiry.
  const until = Math.min(Date.now() + ACTOR_CACHE_MS, expiresAt ? Date.parse(expiresAt) : Infinity);
  cache.set(key, { actor, until, generation: gen });
}

/**
 * The caller of a token ("t") or session cookie ("s") when this process resolved it moments ago
 * and its "last used" time needs no update: no I/O, so the request goes on without waiting.
 * Undefined when the database must be asked (actorFromToken / actorFromSession).
 */
export function recentActor(db: Db, kind: "t" | "s", secret: string, ip: string | null): Actor | undefined {
  const key = `${kind}:${sha256(secret)}`;
  const cached = cachedActor(db, key, ip);
  if (!cached) return undefined;
  const touchKey = kind === "t" ? `t:${cached.tokenId}` : key;
  return isDue(touchKey) ? undefined : cached;
}

/**
 * The caller of a request's credentials as authentication takes them (the Authorization header
 * when there is one, else the session cookie's value, asked for only then), when this process
 * knows it without I/O (recentActor): undefined when the database must be asked or the header
 * is not one we read, null when there are no credentials.
 */
export function recentCaller(db: Db, authorization: string | undefined, session: () => string | undefined, ip: string | null): Actor | null | undefined {
  if (authorization) {
    const token = tokenFromHeader(authorization);
    return token ? recentActor(db, "t", token, ip) : undefined;
  }
  const cookie = session();
  return cookie ? recentActor(db, "s", cookie, ip) : null;
}

/** The actor behind an API token, or null when the token is unknown, revoked or expired. */
export async function actorFromToken(db: Db, token: string, ip: string | null): Promise<Actor | null> {
  const hash = sha256(token);
  const key = `t:${hash}`;
  const cached = cachedActor(db, key, ip);
  if (cached) {
    if (due(`t:${cached.tokenId}`)) await touchToken(db, cached.tokenId!);
    return cached;
  }
  const gen = generation;
  const now = nowIso();
  const [row] = await runPrecompiled(
    db,
    "auth.token",
    () =>
      db
        .selectFrom("api_tokens as t")
        .innerJoin("users as u", "u.id", "t.user_id")
        .select(["t.id as token_id", "t.expires_at", "u.id", "u.email", "u.name", "u.role", "u.active"])
        .where("t.token_hash", "=", param("hash"))
        .where("t.revoked_at", "is", null)
        .where((eb) => eb.or([eb("t.expires_at", "is", null), eb("t.expires_at", ">", param("now"))])),
    { hash, now },
  );
  if (!row) return null;
  const actor = actorFrom(row, "token", ip);
  if (!actor) return null;
  actor.tokenId = row.token_id;
  rememberActor(db, key, actor, gen, row.expires_at);
  if (due(`t:${row.token_id}`)) await touchToken(db, row.token_id);
  return actor;
}

async function touchToken(db: Db, tokenId: string): Promise<void> {
  await db.updateTable("api_tokens").set({ last_used_at: nowIso() }).where("id", "=", tokenId).execute();
}

/** The actor behind a session cookie, sliding its expiry forward while it is used. */
export async function actorFromSession(db: Db, cookieValue: string, ttlMs: number, ip: string | null): Promise<Actor | null> {
  const sessionId = sha256(cookieValue);
  const key = `s:${sessionId}`;
  const cached = cachedActor(db, key, ip);
  if (cached) {
    if (due(`s:${sessionId}`)) await touchSession(db, sessionId, ttlMs);
    return cached;
  }
  const gen = generation;
  const now = nowIso();
  const [row] = await runPrecompiled(
    db,
    "auth.session",
    () =>
      db
        .selectFrom("sessions as s")
        .innerJoin("users as u", "u.id", "s.user_id")
        .select(["s.id as session_id", "s.csrf_token", "s.expires_at", "u.id", "u.email", "u.name", "u.role", "u.active"])
        .where("s.id", "=", param("id"))
        .where("s.expires_at", ">", param("now")),
    { id: sessionId, now },
  );
  if (!row) return null;
  const actor = actorFrom(row, "session", ip);
  if (!actor) return null;
  actor.sessionId = row.session_id;
  actor.csrfToken = row.csrf_token;
  rememberActor(db, key, actor, gen, row.expires_at);
  if (due(`s:${sessionId}`)) await touchSession(db, sessionId, ttlMs);
  return actor;
}

async function touchSession(db: Db, sessionId: string, ttlMs: number): Promise<void> {
  await db.updateTable("sessions").set({ last_seen_at: nowIso(), expires_at: isoIn(ttlMs) }).where("id", "=", sessionId).execute();
}
