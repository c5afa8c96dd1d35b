import { Type } from "@sinclair/typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ChangePasswordBody, errorResponses, LoginBody, SessionInfo, SetupBody, SetupStatus } from "../../../contract/index.js";
import type { App, AppContext } from "../../platform/context.js";
import { actorOf } from "../../platform/http/auth.plugin.js";
import { SESSION_COOKIE } from "../../platform/auth/sessions.js";
import { getUser } from "./users.service.js";
import { changePassword, completeSetup, login, logout, setupNeeded, type SignedIn } from "./auth.service.js";

const tags = ["Authentication"];

/** /api/v1/setup and /api/v1/auth/*: first run, sign in/out, who am I, password change. */
export function authRoutes(app: App, { db, config }: AppContext): void {
  const ttlMs = config.sessionTtlHours * 3600_000;
  const client = (req: FastifyRequest) => ({ ip: req.ip ?? null, userAgent: req.headers["user-agent"] ?? null });

  function startSession(req: FastifyRequest, reply: FastifyReply, signedIn: SignedIn) {
    reply.setCookie(SESSION_COOKIE, signedIn.session.cookieValue, {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: req.protocol === "https",
      maxAge: Math.floor(ttlMs / 1000),
    });
    return { user: signedIn.user, csrfToken: signedIn.session.csrfToken, permissions: signedIn.permissions };
  }

  app.get(
    "/api/v1/setup",
    { schema: { tags, summary: "Whether first-run setup is needed", security: [], response: { 200: SetupStatus } }, config: { auth: "public" } },
    async () => ({ needed: await setupNeeded(db) }),
  );
  app.post(
    "/api/v1/setup",
    {
      schema: { tags, summary: "Create the first administrator (once)", security: [], body: SetupBody, response: { 201: SessionInfo, ...errorResponses } },
      config: { auth: "public" },
    },
    async (req, reply) => reply.status(201).send(startSession(req, reply, await completeSetup(db, req.body, client(req), ttlMs))),
  );
  app.post(
    "/api/v1/auth/login",
    {
      schema: { tags, summary: "Sign in with email and password; sets the session cookie", security: [], body: LoginBody, response: { 200: SessionInfo, ...errorResponses } },
      config: { auth: "public" },
    },
    async (req, reply) => startSession(req, reply, await login(db, req.body.email, req.body.password, client(req), ttlMs)),
  );
  app.post(
    "/api/v1/auth/logout",
    { schema: { tags, summary: "Sign out (ends the session)", response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await logout(db, actorOf(req));
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.status(204).send(null);
    },
  );
  app.get(
    "/api/v1/auth/me",
    { schema: { tags, summary: "The signed-in user, their permissions and CSRF token", response: { 200: SessionInfo, ...errorResponses } } },
    async (req) => {
      const actor = actorOf(req);
      const user = await getUser(db, actor, actor.id!);
      return { user, csrfToken: actor.csrfToken ?? "", permissions: [...actor.permissions] };
    },
  );
  app.post(
    "/api/v1/auth/password",
    { schema: { tags, summary: "Change your password (other sessions end)", body: ChangePasswordBody, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await changePassword(db, actorOf(req), req.body.currentPassword, req.body.newPassword, req.ip ?? null);
      return reply.status(204).send(null);
    },
  );
}
