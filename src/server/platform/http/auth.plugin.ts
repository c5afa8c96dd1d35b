/**
 * Authentication for every route: credentials are required unless the route says
 * `config: { auth: "public" }`; cookie-authenticated writes must carry the CSRF token; the
 * route's declared permission is checked before the handler (services check it again).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Db } from "../db/schema.js";
import { actorFromSession, actorFromToken, tokenFromHeader } from "../auth/authenticate.js";
import { SESSION_COOKIE } from "../auth/sessions.js";
import { requirePermission } from "../auth/permissions.js";
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
  app.addHook("onRequest", async (request) => {
    const config = request.routeOptions.config ?? {};
    const isPublic = config.auth === "public" || request.is404;
    const actor = await resolveActor(db, request, sessionTtlMs).catch((err) => {
      if (isPublic) return null;
      throw err;
    });
    request.actor = actor;
    if (isPublic) return;
    if (!actor) throw new UnauthenticatedError();
    if (actor.via === "session" && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers["x-csrf-token"];
      if (typeof sent !== "string" || !actor.csrfToken || !safeEqual(sent, actor.csrfToken)) {
        throw new ForbiddenError("auth.csrf", "Missing or wrong x-csrf-token header for a cookie-authenticated write");
      }
    }
    if (config.permission) requirePermission(actor, config.permission);
  });
}

/** The caller of an authenticated route (the hook guarantees it is there). */
export function actorOf(request: FastifyRequest) {
  if (!request.actor) throw new UnauthenticatedError();
  return request.actor;
}
