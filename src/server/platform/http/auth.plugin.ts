/**
 * Authentication for every route: credentials are required unless the route says
 * `config: { auth: "public" }`; cookie-authenticated writes must carry the CSRF token; the
 * route's declared permission is checked before the handler (services check it again).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Db } from "../db/schema.js";
import { actorFromSession, actorFromToken, recentCaller, tokenFromHeader } from "../auth/authenticate.js";
import { SESSION_COOKIE } from "../auth/sessions.js";
import { requirePermission, type Actor, type Permission } from "../auth/permissions.js";
import { safeEqual } from "../auth/secrets.js";
import { ForbiddenError, UnauthenticatedError } from "../errors.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Resolves the caller from a token or a session cookie (null when neither is valid). */
async function resolveActor(db: Db, request: FastifyRequest, sessionTtlMs: number) {
  const header = request.headers.authorization;
  if (header) {
    const token = tokenFromHeader(header);
    if (!token) throw new UnauthenticatedError("auth.bad_authorization", "Unsupported Authorization header; use Bearer <token>");
    const actor = await actorFromToken(db, token, request.ip);
    if (!actor) throw new UnauthenticatedError("auth.invalid_token", "The API token is invalid, expired or revoked");
    return actor;
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (cookie) return actorFromSession(db, cookie, sessionTtlMs, request.ip);
  return null;
}

/** Installs the authentication hook. */
export function installAuth(app: FastifyInstance, db: Db, sessionTtlMs: number): void {
  app.decorateRequest("actor", null);
  /** The checks once the caller is known; throws what the client gets. */
  const admit = (request: FastifyRequest, actor: Actor | null, isPublic: boolean, permission: Permission | undefined) => {
    request.actor = actor;
    if (isPublic) return;
    if (!actor) throw new UnauthenticatedError();
    if (actor.via === "session" && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers["x-csrf-token"];
      if (typeof sent !== "string" || !actor.csrfToken || !safeEqual(sent, actor.csrfToken)) {
        throw new ForbiddenError("auth.csrf", "Missing or wrong x-csrf-token header for a cookie-authenticated write");
      }
    }
    if (permission) requirePermission(actor, permission);
  };
  // A callback hook rather than an async one: a caller resolved moments ago (most requests of a
  // busy client) is admitted in the same tick, without a promise and a microtask turn.
  app.addHook("onRequest", (request, _reply, done) => {
    const config = request.routeOptions.config ?? {};
    const isPublic = config.auth === "public" || request.is404;
    const permission = config.permission;
    const recent = recentCaller(db, request.headers.authorization, () => request.cookies?.[SESSION_COOKIE], request.ip);
    if (recent !== undefined) {
      try {
        admit(request, recent, isPublic, permission);
      } catch (err) {
        return done(err as Error);
      }
      return done();
    }
    resolveActor(db, request, sessionTtlMs)
      .catch((err) => {
        if (isPublic) return null;
        throw err;
      })
      .then((actor) => admit(request, actor, isPublic, permission))
      .then(() => done(), done);
  });
}

/** The caller of an authenticated route (the hook guarantees it is there). */
export function actorOf(request: FastifyRequest) {
  if (!request.actor) throw new UnauthenticatedError();
  return request.actor;
}
