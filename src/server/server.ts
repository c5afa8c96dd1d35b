/** Runs OpsDesk: opens the database, migrates, listens, works, and shuts down gracefully. */
import { buildApp, type Built } from "./app.js";
import type { Config } from "./platform/config.js";
import { openConfiguredDb } from "./platform/db/db.js";
import { migrateToLatest } from "./platform/db/migrate.js";
import type { Db } from "./platform/db/schema.js";
import { enqueueJob } from "./platform/jobs.js";
import { ensureAdminFromEnv } from "./modules/users/index.js";

export interface Running {
  built: Built;
  db: Db;
  url: string;
  /** Stops taking work, finishes in-flight requests and jobs, closes the database. */
  stop(): Promise<void>;
}

export { openConfiguredDb };

const HOUSEKEEPING_MS = 10 * 60_000;

/** Starts a node with the configured roles. */
export async function startServer(config: Config, db: Db = openConfiguredDb(config)): Promise<Running> {
  await migrateToLatest(db);
  const built = await buildApp({ db, config });
  const { app, ctx } = built;
  const admin = await ensureAdminFromEnv(db, config.adminEmail, config.adminPassword, config.adminName);
  if (admin) app.log.info({ email: admin.email }, "created the first administrator from OPSDESK_ADMIN_EMAIL");

  let housekeeping: NodeJS.Timeout | null = null;
  const periodicTimers: NodeJS.Timeout[] = [];
  if (ctx.worker) {
    ctx.worker.start();
    const schedule = async () => {
      // One purge per 10-minute bucket across all nodes, thanks to the dedupe key.
      const bucket = Math.floor(Date.now() / HOUSEKEEPING_MS);
      await enqueueJob(db, { type: "sessions.purge", dedupeKey: `sessions.purge:${bucket}` }).catch((err) => app.log.warn({ err }, "could not schedule housekeeping"));
    };
    await schedule();
    housekeeping = setInterval(schedule, HOUSEKEEPING_MS);
    housekeeping.unref();
    // Modules' periodic jobs: one run per interval bucket across all nodes, by the dedupe key.
    for (const { type, everyMs } of ctx.jobs.periodic()) {
      const enqueue = () => enqueueJob(db, { type, dedupeKey: `${type}:${Math.floor(Date.now() / everyMs)}` }).catch((err) => app.log.warn({ err, type }, "could not schedule a periodic job"));
      await enqueue();
      const timer = setInterval(enqueue, everyMs);
      timer.unref();
      periodicTimers.push(timer);
    }
  }
  let url = "";
  if (config.roles.includes("api")) {
    url = await app.listen({ host: config.host, port: config.port });
  } else {
    await app.ready();
  }
  app.log.info({ url, roles: config.roles, database: config.databaseUrl ? "postgresql" : "sqlite" }, "OpsDesk is running");

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      built.setShuttingDown();
      if (housekeeping) clearInterval(housekeeping);
      for (const timer of periodicTimers) clearInterval(timer);
      await app.close(); // stops accepting, waits for in-flight requests
      await ctx.worker?.stop(); // finishes the jobs it holds
      await db.destroy();
    })());
  return { built, db, url, stop };
}
