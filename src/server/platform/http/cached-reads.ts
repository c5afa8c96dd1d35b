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
 * metrics under its route. Anything else, a miss included, goes to Fastify unchanged.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "../context.js";
import type { Db } from "../db/schema.js";
import { recentActor, tokenFromHeader } from "../auth/authenticate.js";
import type { Actor } from "../auth/permissions.js";
import { SESSION_COOKIE } from "../auth/sessions.js";
import { API_SECURITY_HEADERS } from "./web.js";
import { cachedAnswer, cachedRouteOf } from "./response-cache.js";

export interface CachedReadsOptions {
  db: Db;
  /** True while the app shuts down: Fastify answers 503 then. */
  closing(): boolean;
  /** Records a request this path answered, as the metrics hook does for Fastify's. */
  observe(method: string, route: string, status: number, seconds: number): void;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Requests this path answered, per app. */
const answeredByApp = new WeakMap<object, { answered: number }>();

/** How many requests the app's cached-read path answered (0 when it has none). */
export function cachedReadsAnswered(app: object): number {
  return answeredByApp.get(app)?.answered ?? 0;
}

/**
 * The caller as the auth hook finds it without I/O (platform/http/auth.plugin.ts): the
 * Authorization header when there is one, else the session cookie, parsed by the cookie
 * plugin's own parser; undefined when the database would have to be asked, or no credentials.
 */
function recentCaller(app: App, db: Db, req: IncomingMessage): Actor | undefined {
  const ip = req.socket.remoteAddress ?? null;
  const header = req.headers.authorization;
  if (header) {
    const token = tokenFromHeader(header);
    return token ? recentActor(db, "t", token, ip) : undefined;
  }
  const cookies = req.headers.cookie;
  if (!cookies) return undefined;
  const session = app.parseCookie(cookies)[SESSION_COOKIE];
  return session ? recentActor(db, "s", session, ip) : undefined;
}

/** Puts the cached-read path in front of the app's current request listener. */
export function installCachedReads(app: App, options: CachedReadsOptions): void {
  const server = app.server;
  const next = server.listeners("request")[0] as Listener | undefined;
  if (!next) return;
  const stats = { answered: 0 };
  answeredByApp.set(app, stats);

  const listener: Listener = (req, res) => {
    if (req.method !== "GET" || !req.url?.startsWith("/api/") || options.closing()) return next(req, res);
    const actor = recentCaller(app, options.db, req);
    if (!actor) return next(req, res);
    const known = cachedRouteOf(options.db, actor, req.url);
    if (!known) return next(req, res);
    const started = performance.now();
    // A GET has no body to read: the route may take the request after this turn as well.
    cachedAnswer(options.db, known, req.headers["if-none-match"]).then(
      (answer) => {
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
      },
      () => next(req, res),
    );
  };
  server.removeListener("request", next);
  server.on("request", listener);
}
