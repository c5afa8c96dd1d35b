import type { Command } from "commander";
import { describeDemo, loadDemoIfEmpty } from "./demo.js";
import { configFrom, withDatabaseOptions } from "./options.js";

/** `opsdesk serve`: runs the API and/or the worker until SIGTERM or SIGINT. */
export function serveCommand(program: Command): void {
  withDatabaseOptions(
    program
      .command("serve")
      .description("serve OpsDesk (web UI, API and background work)")
      .option("--host <host>", "address to listen on (env OPSDESK_HOST, default 0.0.0.0)")
      .option("--port <port>", "port to listen on (env OPSDESK_PORT, default 8080)")
      .option("--role <roles>", "comma-separated roles: api, worker (env OPSDESK_ROLE, default api,worker)")
      .option("--log-level <level>", "trace, debug, info, warn, error (env OPSDESK_LOG_LEVEL, default info)")
      .option("--demo", "load the demo company at start when the CMDB is empty (see opsdesk demo)"),
  ).action(async (opts) => {
    const config = configFrom(opts);
    // The server, loaded when it starts: --help and the other commands stay quick.
    const [{ openConfiguredDb, startServer }, { migrateToLatest }, { ensureCmdbDefaults }] = await Promise.all([
      import("../server/server.js"),
      import("../server/platform/db/migrate.js"),
      import("../server/modules/cmdb/index.js"),
    ]);
    const db = openConfiguredDb(config);
    if (opts.demo) {
      // Before listening, so the first page a user opens already shows the demo service map.
      await migrateToLatest(db);
      await ensureCmdbDefaults(db);
      const summary = await loadDemoIfEmpty(db);
      for (const line of summary ? await describeDemo(summary) : ["demo data: the CMDB already holds CIs; nothing loaded"]) console.error(line);
    }
    const running = await startServer(config, db);
    let signalled = false;
    const shutdown = (signal: string) => {
      if (signalled) return;
      signalled = true;
      running.built.app.log.info({ signal }, "shutting down: finishing in-flight requests and jobs");
      const force = setTimeout(() => process.exit(1), 30_000);
      force.unref();
      running.stop().then(
        () => process.exit(0),
        (err) => {
          running.built.app.log.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
    };
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    process.on("SIGINT", () => shutdown("SIGINT"));
  });
}
