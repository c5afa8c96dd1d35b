import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from "kysely";
import type { Db } from "./schema.js";
import * as m0001 from "./migrations/0001-platform.js";

/** Every migration, in order. Names are frozen once released. */
const MIGRATIONS: Record<string, Migration> = {
  "0001-platform": m0001,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/** Thrown when a migration fails; carries the per-migration results. */
export class MigrationError extends Error {
  constructor(message: string, readonly results: MigrationResultSet["results"]) {
    super(message);
  }
}

/**
 * Applies pending migrations. Kysely's migrator takes a lock row inside a transaction, so
 * two nodes starting at once apply each migration exactly once.
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`migration ${failed?.migrationName ?? "?"} failed: ${reason}`, results);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** True when every known migration has been applied. */
export async function migrationsDone(db: Db): Promise<boolean> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const all = await migrator.getMigrations();
  return all.length === Object.keys(MIGRATIONS).length && all.every((m) => m.executedAt !== undefined);
}
