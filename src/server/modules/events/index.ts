/** Event management: Alertmanager-compatible ingestion, deduplication, CI binding, correlation, silences, incidents. */
import type { App, AppContext } from "../../platform/context.js";
import { engineFor } from "./events.engine.js";
import { amRoutes } from "./am.routes.js";
import { eventRoutes } from "./events.routes.js";
import { receiverRoutes } from "./receivers.routes.js";
import { acknowledgeGroup } from "./alerts.service.js";

export { engineFor, type EventsEngine } from "./events.engine.js";
export { fingerprintOf } from "./events.fingerprint.js";

/** Mounts the module's routes and runs its pipeline (sweeper, correlation) while the app is up. */
export function registerEventsModule(app: App, ctx: AppContext): void {
  const engine = engineFor(ctx.db);
  engine.useFoldThread = ctx.config.foldThread;
  engine.onError = (err, step) => app.log.error({ err, step }, "event pipeline step failed");
  amRoutes(app, ctx, engine);
  eventRoutes(app, ctx, engine);
  receiverRoutes(app, ctx, engine);
  for (const type of ["ci.created", "ci.updated", "ci.deleted", "ci_relationship.created", "ci_relationship.deleted"]) {
    ctx.events.on(type, async () => engine.cmdbChanged());
  }
  // An incident resolved by a person: its alerts are acknowledged (someone dealt with them).
  ctx.events.on("ticket.transitioned", async (event) => {
    const p = event.payload as { id?: string; kind?: string; to?: string };
    if (p.kind !== "incident" || p.to !== "resolved" || !p.id) return;
    const groups = await ctx.db.selectFrom("alert_groups").select("id").where("incident_id", "=", String(p.id)).execute();
    for (const g of groups) await acknowledgeGroup(ctx.db, g.id, `incident ${p.id} resolved`);
  });
  app.addHook("onReady", async () => engine.start());
  app.addHook("onClose", async () => engine.stop());
}
