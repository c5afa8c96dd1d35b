/** Options shared by the commands that open the database. */
import type { Command } from "commander";
import { loadConfig, type Config } from "../server/platform/config.js";

/** Adds --data and --database-url to a command. */
export function withDatabaseOptions(cmd: Command): Command {
  return cmd
    .option("--data <dir>", "data directory for the embedded SQLite database (env OPSDESK_DATA, default ./data)")
    .option("--database-url <url>", "PostgreSQL connection string (env DATABASE_URL); SQLite when absent");
}

/** Configuration from a command's options plus the environment. */
export function configFrom(opts: { data?: string; databaseUrl?: string; host?: string; port?: string; role?: string; logLevel?: string }): Config {
  return loadConfig({ dataDir: opts.data, databaseUrl: opts.databaseUrl, host: opts.host, port: opts.port, roles: opts.role, logLevel: opts.logLevel });
}
