/** Liveness, readiness and Prometheus metrics. */
import { sql } from "kysely";
import type { App, AppContext } from "./context.js";
import type { Metrics } from "./metrics.js";
import { migrationsDone } from "./db/migrate.js";
import { tokenFromHeader } from "./auth/authenticate.js";
import { safeEqual } from "./auth/secrets.js";
import { UnauthenticatedError } from "./errors.js";

/** Mounts /healthz, /readyz and /metrics (outside /api, hidden from the OpenAPI document). */
export function healthRoutes(app: App, { db, config }: AppContext, metrics: Metrics, isShuttingDown: () => boolean): void {
  let migrated = false;
  const hide = { hide: true };

  app.get("/healthz", { schema: hide, config: { auth: "public" } }, async () => ({ status: "ok" }));

  app.get("/readyz", { schema: hide, config: { auth: "public" } }, async (_req, reply) => {
    const checks: Record<string, string> = {};
    try {
      await sql`select 1`.execute(db);
      checks.database = "ok";
    } catch (err) {
      checks.database = `unreachable: ${(err as Error).message}`;
    }
    if (checks.database === "ok") {
      migrated ||= await migrationsDone(db).catch(() => false);
      checks.migrations = migrated ? "ok" : "pending";
    }
    if (isShuttingDown()) checks.process = "shutting down";
    const ready = checks.database === "ok" && checks.migrations === "ok" && !isShuttingDown();
    return reply.status(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", checks });
  });

  app.get("/metrics", { schema: hide, config: { auth: "public" } }, async (req, reply) => {
    if (config.metricsToken) {
      const sent = tokenFromHeader(req.headers.authorization);
      if (!sent || !safeEqual(sent, config.metricsToken)) throw new UnauthenticatedError("auth.invalid_token", "A valid metrics token is required");
    }
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
