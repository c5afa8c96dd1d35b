/**
 * A cache of serialised read answers (ticket lists, searches, tickets, timelines), per caller.
 *
 * Entries are keyed by the caller (user id and role: requesters see only their tickets, and
 * what an agent may do next depends on who asks, so nothing is shared between users) and the
 * normalised request, and are valid only while the whole database is unchanged:
 * - SQLite: `total_changes()` (rows this connection changed) with `PRAGMA data_version`
 *   (moves when any other connection, e.g. a worker process or another node on the file,
 *   commits). Read before the answer is computed, so an answer is never older than its token.
 * - PostgreSQL: `pg_current_snapshot()`, the set of committed transactions a new statement
 *   sees (xmin:xmax:in-progress). Two equal snapshots see exactly the same commits, whichever
 *   node or connection wrote them and in whatever order they committed; a row counter or
 *   max(id) would not (sequence values commit out of order).
 * Any write anywhere thus makes every entry stale at once: exact, and cheap to check (one
 * small query per request), at the price of misses after unrelated writes.
 * Nothing in these answers is computed from the clock (no SLA remaining or ages). What an
 * answer holds besides the database is short-lived in-memory state elsewhere (ticket settings
 * are re-read every 2 s, so the edit policy behind allowedTransitions may lag another node's
 * change by that much); MAX_AGE_MS bounds how long such an answer can outlive it.
 */
import { hash } from "node:crypto";
import { CompiledQuery } from "kysely";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "../db/schema.js";
import { isPostgres } from "../db/dialect.js";
import type { Actor } from "../auth/permissions.js";

const SQLITE_TOKEN = CompiledQuery.raw("select total_changes() as c, data_version as v from pragma_data_version", []);
const PG_TOKEN = CompiledQuery.raw("select pg_current_snapshot()::text as s", []);

/** Memory the cached bodies may take unless configured (configureResponseCache; OPSDESK_RESPONSE_CACHE_MB). */
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
const MAX_AGE_MS = 10_000;

interface Entry {
  token: string;
  /** The answer as UTF-8 bytes: a hit hands them to the socket as they are (no encoding, no length count per hit). */
  body: Buffer;
  etag: string;
  bytes: number;
  storedAt: number;
}

/** Hit and miss counts of a database's cache, for /metrics. */
export interface ResponseCacheStats {
  hits: number;
  misses: number;
  notModified: number;
  entries: number;
  bytes: number;
}

/** What a raw request URL of one caller was answered as: its cache key and route pattern (for metrics). */
export interface CachedRoute {
  key: string;
  route: string;
}
const MAX_ALIASES = 50_000;

class ResponseCache {
  /** 0 turns the cache off. */
  maxBytes = DEFAULT_MAX_BYTES;
  readonly entries = new Map<string, Entry>();
  /**
   * Caller and raw URL -> cache key, as Fastify's route worked it out (validated, coerced,
   * normalised input): lets a repeated request be answered without routing it (cachedAnswer).
   * A mapping never goes stale (the same URL is the same input); only the entry it names does.
   */
  readonly aliases = new Map<string, CachedRoute>();
  bytes = 0;
  hits = 0;
  misses = 0;
  notModified = 0;
  /** The newest token seen: entries of older ones can never be hit again, so they are dropped. */
  current = "";

  get(key: string, token: string): Entry | null {
    if (token !== this.current) {
      this.current = token;
      this.entries.clear();
      this.bytes = 0;
      return null;
    }
    const e = this.entries.get(key);
    if (!e || e.token !== token || Date.now() - e.storedAt > MAX_AGE_MS) return null;
    // Most recently used last: eviction takes the first.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  set(key: string, entry: Entry): void {
    // A token older than the newest seen cannot be hit again.
    if (entry.token !== this.current || entry.bytes > this.maxBytes / 8) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.bytes;
    }
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    while (this.bytes > this.maxBytes) {
      const [k, e] = this.entries.entries().next().value!;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }
}

const caches = new WeakMap<Db, ResponseCache>();

function cacheOf(db: Db): ResponseCache {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new ResponseCache()));
  return c;
}

/** Sets how much memory the database's cached answers may take (0: no cache); the app does it from its configuration. */
export function configureResponseCache(db: Db, maxBytes: number): void {
  const c = cacheOf(db);
  c.maxBytes = maxBytes;
  c.entries.clear();
  c.bytes = 0;
}

/** The database's change token: equal tokens mean the same committed data (see the file's comment). */
export async function changeToken(db: Db): Promise<string> {
  if (isPostgres(db)) {
    const { rows } = await db.executeQuery<{ s: string }>(PG_TOKEN);
    return rows[0].s;
  }
  const { rows } = await db.executeQuery<{ c: number; v: number }>(SQLITE_TOKEN);
  return `${rows[0].c}:${rows[0].v}`;
}

/** The cache key of a request for this caller: user and role, then the route and its normalised input. */
export function cacheKey(actor: Actor, route: string, input: object): string {
  const keys = Object.keys(input).sort();
  const parts = keys.map((k) => `${k}=${JSON.stringify((input as Record<string, unknown>)[k])}`);
  return `${callerOf(actor)}\u0000${route}\u0000${parts.join("&")}`;
}

/** The caller part of a cache key: user and role. */
function callerOf(actor: Actor): string {
  return `${actor.id ?? ""}\u0000${actor.role}`;
}

/** The alias of a raw URL asked by a caller. */
function aliasOf(actor: Actor, url: string): string {
  return `${callerOf(actor)}\u0000${url}`;
}

/** Remembers what a caller's raw URL was answered as (cachedRouteOf). */
function remember(cache: ResponseCache, actor: Actor, url: string, known: CachedRoute): void {
  const alias = aliasOf(actor, url);
  if (cache.aliases.has(alias)) return;
  if (cache.aliases.size >= MAX_ALIASES) cache.aliases.clear();
  cache.aliases.set(alias, known);
}

/** An ETag that changes exactly when the body does (so a client's copy is still good after unrelated writes). */
function etagOf(body: Buffer): string {
  // The one-shot form: no Hash object per answer (Node >= 20.12).
  return `"${hash("sha1", body, "base64url")}"`;
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/**
 * Answers a read from the cache, or computes it with `produce` (a JSON string, or an object
 * for the route's serializer), stores it and answers it; `If-None-Match` with the body's
 * ETag gets 304. Errors thrown by `produce` (404, 403) are never cached.
 */
export async function sendCached(db: Db, request: FastifyRequest, reply: FastifyReply, key: string, produce: () => Promise<string | object>): Promise<FastifyReply> {
  reply.header("cache-control", "private, no-cache");
  const text = async () => {
    const value = await produce();
    return typeof value === "string" ? value : (reply.serialize(value) as string);
  };
  const cache = cacheOf(db);
  const route = request.routeOptions.url ?? request.url;
  let answer: CachedAnswer;
  if (cache.maxBytes <= 0) {
    answer = answerOf(null, entryOf(await text(), ""), route, request.headers["if-none-match"]);
  } else {
    if (request.raw.url && request.actor) remember(cache, request.actor, request.raw.url, { key, route });
    answer = answerOf(cache, await current(db, cache, key, text), route, request.headers["if-none-match"]);
  }
  return reply.code(answer.status).headers(answer.headers).send(answer.body ?? undefined);
}

/** A body as the cache keeps it: encoded once here rather than by the socket on every hit (a list page is ~40 kB), with its ETag. */
function entryOf(text: string, token: string): Entry {
  const body = Buffer.from(text, "utf8");
  return { token, body, etag: etagOf(body), bytes: body.length + 200, storedAt: Date.now() };
}

/** The entry of `key` while the database is unchanged, else `produce`d (JSON text) and stored; hits and misses counted. */
async function current(db: Db, cache: ResponseCache, key: string, produce: () => Promise<string>): Promise<Entry> {
  const token = await changeToken(db);
  const hit = cache.get(key, token);
  if (hit) {
    cache.hits++;
    return hit;
  }
  cache.misses++;
  const entry = entryOf(await produce(), token);
  cache.set(key, entry);
  return entry;
}

/** A read's answer as sendCached sends it: status, the headers it sets, and the body (null for 304). */
export interface CachedAnswer {
  status: 200 | 304;
  headers: Record<string, string>;
  body: Buffer | null;
  route: string;
}

/**
 * What the route answered this caller's (user and role) GET of the same raw URL as, when it
 * answered it through the cache before; null otherwise (the route must answer). No I/O.
 */
export function cachedRouteOf(db: Db, actor: Actor, url: string): CachedRoute | null {
  const cache = caches.get(db);
  if (!cache || cache.maxBytes <= 0 || cache.entries.size === 0) return null;
  return cache.aliases.get(aliasOf(actor, url)) ?? null;
}

/**
 * The answer to a GET that cachedRouteOf knows, when its cache entry is still current: what
 * sendCached would answer, without routing, validating or producing anything
 * (platform/http/cached-reads.ts). Null when the entry is gone or stale; the route then answers.
 */
export async function cachedAnswer(db: Db, known: CachedRoute, ifNoneMatch: string | undefined): Promise<CachedAnswer | null> {
  const cache = caches.get(db);
  if (!cache) return null;
  const token = await changeToken(db);
  const hit = cache.get(known.key, token);
  if (!hit) return null;
  cache.hits++;
  return answerOf(cache, hit, known.route, ifNoneMatch);
}

/**
 * sendCached for a route that platform/http/cached-reads.ts answers itself (registerFastRead):
 * the caller's answer from the cache, or `produce`d (JSON text), stored and answered; the URL
 * is remembered as sendCached remembers it. Null when the cache is off (the route answers).
 */
export async function producedAnswer(db: Db, actor: Actor, url: string, known: CachedRoute, produce: () => Promise<string>, ifNoneMatch: string | undefined): Promise<CachedAnswer | null> {
  const cache = caches.get(db);
  if (!cache || cache.maxBytes <= 0) return null;
  remember(cache, actor, url, known);
  return answerOf(cache, await current(db, cache, known.key, produce), known.route, ifNoneMatch);
}

/** The answer for an entry, wherever it is sent from: 304 when the client's copy is current, else the body. */
function answerOf(cache: ResponseCache | null, entry: Entry, route: string, ifNoneMatch: string | undefined): CachedAnswer {
  const headers: Record<string, string> = { "cache-control": "private, no-cache", etag: entry.etag };
  if (matches(ifNoneMatch, entry.etag)) {
    if (cache) cache.notModified++;
    return { status: 304, headers, body: null, route };
  }
  headers["content-type"] = "application/json; charset=utf-8";
  headers["content-length"] = String(entry.body.length);
  return { status: 200, headers, body: entry.body, route };
}

/** Counts of the database's response cache (zeros before its first use). */
export function responseCacheStats(db: Db): ResponseCacheStats {
  const c = caches.get(db);
  return { hits: c?.hits ?? 0, misses: c?.misses ?? 0, notModified: c?.notModified ?? 0, entries: c?.entries.size ?? 0, bytes: c?.bytes ?? 0 };
}
