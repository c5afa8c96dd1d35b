/** Event management: Alertmanager-compatible ingestion, deduplication, CI binding, correlation, silences, incidents. */
import type { App, AppContext } from "../../platform/context.js";
import { engineFor } from "./events.engine.js";
import { amRoutes } from "./am.routes.js";

export { engineFor, type EventsEngine } from "./events.engine.js";
export { fingerprintOf } from "./events.fingerprint.js";

/** Mounts the module's routes and runs its pipeline (sweeper, correlation) while the app is up. */
export function registerEventsModule(app: App, ctx: AppContext): void {
  const engine = engineFor(ctx.db);
  engine.onError = (err, step) => app.log.error({ err, step }, "event pipeline step failed");
  amRoutes(app, ctx, engine);
  for (const type of ["ci.created", "ci.updated", "ci.deleted", "relationship.created", "relationship.deleted"]) {
    ctx.events.on(type, async () => engine.cmdbChanged());
  }
  app.addHook("onReady", async () => engine.start());
  app.addHook("onClose", async () => engine.stop());
}
