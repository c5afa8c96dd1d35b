/** Builds the OpsDesk HTTP app: platform plugins, every module's routes, errors mapped once. */
import Fastify, { LogController, type FastifyServerOptions } from "fastify";
import fastifyCookie from "@fastify/cookie";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import "./platform/http/types.js";
import type { Config } from "./platform/config.js";
import type { App, AppContext } from "./platform/context.js";
import type { Db } from "./platform/db/schema.js";
import { EventBus } from "./platform/outbox.js";
import { JobRegistry, Worker } from "./platform/jobs.js";
import { installAuth } from "./platform/http/auth.plugin.js";
import { installErrorHandling } from "./platform/http/errors.plugin.js";
import { validatorCompiler } from "./platform/http/validation.js";
import { serializerCompiler } from "./platform/http/serialization.js";
import { findWebDir, installWeb, packageRoot } from "./platform/http/web.js";
import { createMetrics } from "./platform/metrics.js";
import { healthRoutes } from "./platform/health.routes.js";
import { auditRoutes } from "./platform/audit.routes.js";
import { purgeExpiredSessions } from "./platform/auth/sessions.js";
import { registerUsersModule } from "./modules/users/index.js";
import { registerCmdbModule } from "./modules/cmdb/index.js";
import { registerEventsModule } from "./modules/events/index.js";
import { registerTicketsModule } from "./modules/tickets/index.js";
import { registerProblemsModule } from "./modules/problems/index.js";
import { registerIncidentsModule } from "./modules/incidents/index.js";
import { registerChangesModule } from "./modules/changes/index.js";
import { registerSlaModule } from "./modules/sla/index.js";
import fs from "node:fs";
import path from "node:path";
import { configureResponseCache } from "./platform/http/response-cache.js";
import { installAlertFastPath } from "./modules/events/am.fastpath.js";
import { installCachedReads } from "./platform/http/cached-reads.js";
import { engineFor } from "./modules/events/events.engine.js";

export interface BuildOptions {
  db: Db;
  config: Config;
  /** Fastify logger option; tests pass false. */
  logger?: FastifyServerOptions["logger"];
}

export interface Built {
  app: App;
  ctx: AppContext;
  /** Flags readiness off while shutting down. */
  setShuttingDown(): void;
}

function version(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")).version;
  } catch {
    return "0.0.0";
  }
}

/** Builds the app (not yet listening). The worker is created when the process has that role. */
export async function buildApp(options: BuildOptions): Promise<Built> {
  const { db, config } = options;
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // Per-request log lines only when debugging: at thousands of requests per second they cost more than they tell.
    logController: new LogController({ disableRequestLogging: config.logLevel !== "debug" && config.logLevel !== "trace" }),
    ajv: { customOptions: { removeAdditional: false } },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.removeContentTypeParser("text/plain");
  // Credentials guard the API. The web UI's static files and the API documentation are
  // public pages; health and metrics routes declare their own policy.
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/api/") || route.url.startsWith("/api/docs")) route.config = { ...(route.config ?? {}), auth: "public" };
  });

  const events = new EventBus();
  const jobs = new JobRegistry();
  const worker = config.roles.includes("worker") ? new Worker({ db, jobs, events, logger: app.log as never }) : null;
  const ctx: AppContext = { db, config, events, jobs, worker };
  let shuttingDown = false;

  jobs.register("sessions.purge", async ({ db: jobDb }) => {
    await purgeExpiredSessions(jobDb);
  });

  const metrics = createMetrics(db);
  metrics.install(app);
  const webDir = findWebDir(config.webDir);
  installErrorHandling(app, { spa: webDir !== null });
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: "OpsDesk API", version: version(), description: "IT service management and operations. Authenticate with `Authorization: Bearer <token>` (create one under Admin → API tokens or with `opsdesk token create`)." },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "API token" },
          session: { type: "apiKey", in: "cookie", name: "opsdesk_session", description: "Browser session (writes also need the x-csrf-token header)" },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: ({ schema, url, route }) => {
      const permission = route.config?.permission;
      const out = { ...(schema ?? {}) } as Record<string, unknown>;
      if (route.config?.auth === "public") out.security = [];
      if (permission) {
        out["x-permission"] = permission;
        out.description = [out.description, `Requires the \`${permission}\` permission.`].filter(Boolean).join("\n\n");
      }
      return { schema: out as never, url };
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs", uiConfig: { docExpansion: "list", deepLinking: true } });
  app.get("/api/openapi.json", { schema: { hide: true }, config: { auth: "public" } }, async () => app.swagger());

  configureResponseCache(db, config.responseCacheMb * 1024 * 1024);
  installAuth(app, db, config.sessionTtlHours * 3600_000);

  healthRoutes(app, ctx, metrics, () => shuttingDown);
  auditRoutes(app, ctx);
  registerUsersModule(app, ctx);
  registerCmdbModule(app, ctx);
  registerEventsModule(app, ctx);
  registerIncidentsModule(app, ctx);
  registerTicketsModule(app, ctx);
  registerChangesModule(app, ctx);
  registerSlaModule(app, ctx);
  registerProblemsModule(app, ctx);

  await installWeb(app, webDir);
  // Per-request logs (debug) and client addresses from a proxy's headers are Fastify's to work out.
  const beside = !config.trustProxy && config.logLevel !== "debug" && config.logLevel !== "trace";
  if (beside && (config.fastIngest || config.fastReads)) {
    let closing = false;
    app.addHook("preClose", (done) => {
      closing = true;
      done();
    });
    const paths = { db, closing: () => closing || shuttingDown, observe: metrics.record };
    if (config.fastIngest) installAlertFastPath(app, { ...paths, engine: engineFor(db), bodyLimitBytes: config.bodyLimitBytes });
    if (config.fastReads) installCachedReads(app, paths);
  }
  return { app, ctx, setShuttingDown: () => (shuttingDown = true) };
}
