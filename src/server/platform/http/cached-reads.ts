/**
 * Repeated reads answered beside Fastify's request pipeline. An agent's list, a dashboard's
 * search or a script's poll asks the same URL again and again; while nothing in the database
 * changed, the response cache (response-cache.ts) holds the answer, and routing, hooks,
 * validation and reply handling are most of what such a request costs. This path answers it
 * from the cache directly when nothing about the request needs Fastify:
 * - a GET under /api/ whose caller the auth hook would know without I/O: an API token (Bearer,
 *   or Basic with the token as password) or else a session cookie that `recentActor` knows and
 *   whose "last used" time needs no update (unknown or due credentials, and requests without
 *   any, go to Fastify); a GET needs no CSRF token;
 * - the same caller (user and role) sent the same raw URL before and the route answered it
 *   through the cache (cachedRouteOf, cachedAnswer): the route's own checks (authentication, the route's
 *   permission, validation, the service's visibility rules) ran for exactly this caller and
 *   input, and the entry is valid only while no commit happened anywhere since; revoking the
 *   token, disabling the user or changing a role is such a commit;
 * - not while the app shuts down, not with per-request debug logs or a trusted proxy (the
 *   app does not install it then).
 * The answer is the route's: status 200 with the cached body, or 304 for a matching
 * If-None-Match, the same cache and security headers, and the request is counted in the
 * metrics under its route. Anything else, a miss included, goes to Fastify unchanged; except
 * that a module may register its hottest read (registerFastRead: a ticket by number), whose
 * answer this path then produces itself on a miss, through the handler's own service call,
 * for URLs Fastify would route to it without decoding anything.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "../context.js";
import type { Db } from "../db/schema.js";
import { recentCaller } from "../auth/authenticate.js";
import type { Actor } from "../auth/permissions.js";
import { SESSION_COOKIE } from "../auth/sessions.js";
import { API_SECURITY_HEADERS } from "./web.js";
import { cachedAnswer, cachedRouteOf, producedAnswer, type CachedAnswer } from "./response-cache.js";

export interface CachedReadsOptions {
  db: Db;
  /** True while the app shuts down: Fastify answers 503 then. */
  closing(): boolean;
  /** Records a request this path answered, as the metrics hook does for Fastify's. */
  observe(method: string, route: string, status: number, seconds: number): void;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A GET route whose answer this path may also produce itself when the cache has none: a read
 * with no side effects, whose handler is sendCached with a key and a producer that need
 * nothing of Fastify's request but the caller and the route's validated input. Whatever goes
 * wrong (a 404, a 403) goes to Fastify, which answers it as always; nothing was written.
 * Only for a route without `config.permission`: this path checks that a caller is signed in,
 * and `produce` (the route's service call) must check everything else.
 */
export interface FastRead {
  /** The route's pattern, as Fastify knows it (the metrics label). */
  route: string;
  /** The route's input for a raw URL, or null when Fastify might route, decode or validate the URL otherwise. */
  match(url: string): Record<string, string> | null;
  /** The handler's cache key for the caller and input. */
  key(actor: Actor, input: Record<string, string>): string;
  /** The handler's answer: JSON text, or an object for `serialize`. */
  produce(actor: Actor, input: Record<string, string>): Promise<string | object>;
  /** The route's serializer of a 200 answer (the app's serializerCompiler on the route's response schema). */
  serialize(value: unknown): string;
}

const fastReadsByApp = new WeakMap<object, FastRead[]>();

/** Lets this path produce a route's answers itself (see FastRead); a module registers its hottest read. */
export function registerFastRead(app: object, read: FastRead): void {
  const reads = fastReadsByApp.get(app) ?? [];
  reads.push(read);
  fastReadsByApp.set(app, reads);
}

/** Requests this path answered, per app. */
const answeredByApp = new WeakMap<object, { answered: number }>();

/** How many requests the app's cached-read path answered (0 when it has none). */
export function cachedReadsAnswered(app: object): number {
  return answeredByApp.get(app)?.answered ?? 0;
}

/** The registered route a raw URL is, with its input. */
function fastRead(reads: FastRead[], url: string): { read: FastRead; input: Record<string, string> } | null {
  for (const read of reads) {
    const input = read.match(url);
    if (input) return { read, input };
  }
  return null;
}

/** Puts the cached-read path in front of the app's current request listener. */
export function installCachedReads(app: App, options: CachedReadsOptions): void {
  const server = app.server;
  const next = server.listeners("request")[0] as Listener | undefined;
  if (!next) return;
  const stats = { answered: 0 };
  answeredByApp.set(app, stats);
  const reads = fastReadsByApp.get(app) ?? [];

  const listener: Listener = (req, res) => {
    if (req.method !== "GET" || !req.url?.startsWith("/api/") || options.closing()) return next(req, res);
    // The caller as the auth hook finds it, the session cookie through the cookie plugin's own parser.
    const cookies = req.headers.cookie;
    const actor = recentCaller(options.db, req.headers.authorization, () => (cookies ? app.parseCookie(cookies)[SESSION_COOKIE] : undefined), req.socket.remoteAddress ?? null);
    if (!actor) return next(req, res);
    const url = req.url;
    const inm = req.headers["if-none-match"];
    const started = performance.now();
    const respond = (answer: CachedAnswer | null) => {
      if (!answer) return next(req, res);
      try {
        res.writeHead(answer.status, { ...answer.headers, ...API_SECURITY_HEADERS });
        res.end(answer.body ?? undefined);
      } catch {
        res.destroy();
        return;
      }
      stats.answered++;
      options.observe("GET", answer.route, answer.status, (performance.now() - started) / 1000);
    };
    // A route this path may produce itself: the cache's answer, or the handler's work done here.
    const read = reads.length ? fastRead(reads, url) : null;
    if (read) {
      const known = { key: read.read.key(actor, read.input), route: read.read.route };
      const produce = async () => {
        const value = await read.read.produce(actor, read.input);
        return typeof value === "string" ? value : read.read.serialize(value);
      };
      producedAnswer(options.db, actor, url, known, produce, inm).then(respond, () => next(req, res));
      return;
    }
    const known = cachedRouteOf(options.db, actor, url);
    if (!known) return next(req, res);
    // A GET has no body to read: the route may take the request after this turn as well.
    cachedAnswer(options.db, known, inm).then(respond, () => next(req, res));
  };
  server.removeListener("request", next);
  server.on("request", listener);
}
