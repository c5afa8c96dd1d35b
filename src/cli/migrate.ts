import type { Command } from "commander";
import { openConfiguredDb } from "../server/server.js";
import { migrateToLatest } from "../server/platform/db/migrate.js";
import { configFrom, withDatabaseOptions } from "./options.js";

/** `opsdesk migrate`: applies pending migrations and exits. */
export function migrateCommand(program: Command): void {
  withDatabaseOptions(program.command("migrate").description("apply pending database migrations")).action(async (opts) => {
    const db = openConfiguredDb(configFrom({ data: opts.data, databaseUrl: opts.databaseUrl }));
    try {
      const applied = await migrateToLatest(db);
      console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
    } finally {
      await db.destroy();
    }
  });
}
