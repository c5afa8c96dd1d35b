/** Options shared by the commands that open the database, and how they open it. */
import type { Command } from "commander";
import { loadConfig, type Config } from "../server/platform/config.js";
import type { Db } from "../server/platform/db/schema.js";

/** An error the CLI prints as one line and exits with status 1. */
export class CliError extends Error {}

/** Adds --data and --database-url to a command. */
export function withDatabaseOptions(cmd: Command): Command {
  return cmd
    .option("--data <dir>", "data directory for the embedded SQLite database (env OPSDESK_DATA, default ./data)")
    .option("--database-url <url>", "PostgreSQL connection string (env DATABASE_URL); SQLite when absent");
}

/**
 * Opens the database the options name, migrates it, runs `work` and closes it; a service's
 * refusal becomes a one-line CLI error naming the field. The database code is loaded here, when
 * a command runs, so that --help and the commands that need none of it stay quick.
 */
export async function withDatabase<T>(opts: { data?: string; databaseUrl?: string }, work: (db: Db) => Promise<T>): Promise<T> {
  const [{ openConfiguredDb }, { migrateToLatest }, { AppError }] = await Promise.all([
    import("../server/platform/db/db.js"),
    import("../server/platform/db/migrate.js"),
    import("../server/platform/errors.js"),
  ]);
  const db = openConfiguredDb(configFrom({ data: opts.data, databaseUrl: opts.databaseUrl }));
  try {
    await migrateToLatest(db);
    return await work(db);
  } catch (err) {
    if (err instanceof AppError) {
      const field = typeof err.details.field === "string" ? ` (${err.details.field})` : "";
      throw new CliError(`${err.message}${field}`);
    }
    throw err;
  } finally {
    await db.destroy();
  }
}

/** Configuration from a command's options plus the environment. */
export function configFrom(opts: { data?: string; databaseUrl?: string; host?: string; port?: string; role?: string; logLevel?: string }): Config {
  return loadConfig({ dataDir: opts.data, databaseUrl: opts.databaseUrl, host: opts.host, port: opts.port, roles: opts.role, logLevel: opts.logLevel });
}
