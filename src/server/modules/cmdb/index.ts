/** The CMDB module: CI classes, configuration items, relationships, identification and impact. */
import type { App, AppContext } from "../../platform/context.js";
import { ensureCmdbDefaults } from "./classes.service.js";
import { refreshCmdbStatistics } from "./cmdb.stats.js";
import { classRoutes } from "./classes.routes.js";
import { ciRoutes } from "./cis.routes.js";
import { relationshipRoutes } from "./relationships.routes.js";
import { impactRoutes } from "./impact.routes.js";
import { cmdbRoutes } from "./cmdb.routes.js";
import { compareRoutes } from "./compare.routes.js";
import { csvRoutes } from "./csv.routes.js";
import { pruneRelationshipLog } from "./cmdb.graph.sync.js";
import { stopBulkThread, useBulkThread } from "./bulk.thread.js";
import { startTrigramIndexer } from "./cmdb.trigrams.js";

export { ensureCmdbDefaults } from "./classes.service.js";
export { identifyOrCreate, findExisting } from "./cmdb.identify.js";
export { bulkReconcile } from "./bulk.service.js";
export { linkCis } from "./relationships.service.js";
export { traverse, impactedServices, servicesImpactedBy } from "./cmdb.impact.js";
export { graphStatus, warmGraph } from "./cmdb.graph.sync.js";
export { getCi, listCis } from "./cis.service.js";
export { importCisCsv, exportCisCsv, type ImportOptions, type ImportProgress } from "./csv.service.js";
export { loadDemoData, cmdbIsEmpty, DEMO_USERS, type DemoSummary } from "./demo.js";

/** Mounts the module's routes; at start, seeds the default classes and relationship types and refreshes planner statistics. */
export function registerCmdbModule(app: App, ctx: AppContext): void {
  if (ctx.config.bulkThread) useBulkThread(ctx.db);
  app.addHook("onClose", async () => stopBulkThread(ctx.db));
  // SQLite: new CI names go into the trigram index after a bulk load, not during it.
  const stopIndexer = startTrigramIndexer(ctx.db, (err) => app.log.warn({ err }, "could not index new CI names"));
  app.addHook("onClose", stopIndexer);
  app.addHook("onReady", async () => {
    await ensureCmdbDefaults(ctx.db);
    await refreshCmdbStatistics(ctx.db);
  });
  // The relationship log only has to cover the time between two walks of an idle node.
  ctx.jobs.every("cmdb.relationship_log_prune", 5 * 60_000, async ({ db }) => {
    await pruneRelationshipLog(db);
  });
  classRoutes(app, ctx);
  ciRoutes(app, ctx);
  relationshipRoutes(app, ctx);
  impactRoutes(app, ctx);
  cmdbRoutes(app, ctx);
  compareRoutes(app, ctx);
  csvRoutes(app, ctx);
}
