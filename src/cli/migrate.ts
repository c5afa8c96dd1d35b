import type { Command } from "commander";
import { configFrom, withDatabaseOptions } from "./options.js";

/** `opsdesk migrate`: applies pending migrations and exits. */
export function migrateCommand(program: Command): void {
  withDatabaseOptions(program.command("migrate").description("apply pending database migrations")).action(async (opts) => {
    // Loaded when the command runs (as in every command): --help and the other commands stay quick.
    const [{ openConfiguredDb }, { migrateToLatest }] = await Promise.all([import("../server/platform/db/db.js"), import("../server/platform/db/migrate.js")]);
    const db = openConfiguredDb(configFrom({ data: opts.data, databaseUrl: opts.databaseUrl }));
    try {
      const applied = await migrateToLatest(db);
      console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
    } finally {
      await db.destroy();
    }
  });
}
