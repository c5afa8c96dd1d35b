import type { Command } from "commander";
import { startServer } from "../server/server.js";
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
      .option("--log-level <level>", "trace, debug, info, warn, error (env OPSDESK_LOG_LEVEL, default info)"),
  ).action(async (opts) => {
    const running = await startServer(configFrom(opts));
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
