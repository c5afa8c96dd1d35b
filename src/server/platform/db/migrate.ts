import { Migrator, sql, type DatabaseIntrospector, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from "kysely";
import type { Db } from "./schema.js";
import { isPostgres } from "./dialect.js";
import * as m0001 from "./migrations/0001-platform.js";
import * as m0002 from "./migrations/0002-cmdb.js";
import * as m0003 from "./migrations/0003-cmdb-indexes.js";
import * as m0004 from "./migrations/0004-tickets.js";
import * as m0005 from "./migrations/0005-events.js";
import * as m0006 from "./migrations/0006-sla.js";
import * as m0007 from "./migrations/0007-changes.js";
import * as m0009 from "./migrations/0009-problems.js";
import * as m0010 from "./migrations/0010-ticket-indexes.js";
import * as m0011 from "./migrations/0011-ticket-list-indexes.js";
import * as m0012 from "./migrations/0012-cmdb-compact-history.js";
import * as m0013 from "./migrations/0013-cmdb-name-trigrams.js";
import * as m0014 from "./migrations/0014-alert-partial-indexes.js";
import * as m0015 from "./migrations/0015-cmdb-relationship-log.js";
import * as m0016 from "./migrations/0016-alert-journal.js";
import * as m0017 from "./migrations/0017-unicode-lower.js";
import * as m0021 from "./migrations/0021-cmdb-narrow-status-indexes.js";
import * as m0022 from "./migrations/0022-cmdb-one-name-index.js";
import * as m0023 from "./migrations/0023-ticket-fewer-indexes.js";
import * as m0024 from "./migrations/0024-ticket-group-index-kind.js";
import * as m0025 from "./migrations/0025-ticket-search-wider-merges.js";
import * as m0026 from "./migrations/0026-cmdb-trigram-tail.js";

/**
 * Every migration, in order. Names are frozen once released. 0008, 0018, 0019 and 0020 were never
 * released: a name that sorts before migrations already applied somewhere would be refused, so
 * numbers only go up (migrate.test.ts pins the released ones).
 */
const MIGRATIONS: Record<string, Migration> = {
  "0001-platform": m0001,
  "0002-cmdb": m0002,
  "0003-cmdb-indexes": m0003,
  "0004-tickets": m0004,
  "0005-events": m0005,
  "0006-sla": m0006,
  "0007-changes": m0007,
  "0009-problems": m0009,
  "0010-ticket-indexes": m0010,
  "0011-ticket-list-indexes": m0011,
  "0012-cmdb-compact-history": m0012,
  "0013-cmdb-name-trigrams": m0013,
  "0014-alert-partial-indexes": m0014,
  "0015-cmdb-relationship-log": m0015,
  "0016-alert-journal": m0016,
  "0017-unicode-lower": m0017,
  "0021-cmdb-narrow-status-indexes": m0021,
  "0022-cmdb-one-name-index": m0022,
  "0023-ticket-fewer-indexes": m0023,
  "0024-ticket-group-index-kind": m0024,
  "0025-ticket-search-wider-merges": m0025,
  "0026-cmdb-trigram-tail": m0026,
};

/** Names of every migration, in order. */
export const MIGRATION_NAMES = Object.keys(MIGRATIONS);

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

/** SQLite: how long a node waits for another node's migrations to finish before it gives up. */
const MIGRATION_LOCK_WAIT_MS = 120_000;

/**
 * Applies pending migrations, exactly once even when several processes start together.
 * PostgreSQL: Kysely's migrator locks its lock row inside the migration transaction.
 * SQLite: Kysely's lock is per connection only, so the whole run happens inside
 * BEGIN IMMEDIATE, which holds the database's write lock across processes.
 */
export async function migrateToLatest(db: Db, options: { upTo?: string } = {}): Promise<string[]> {
  const run = (migrator: Migrator) => (options.upTo ? migrator.migrateTo(options.upTo) : migrator.migrateToLatest());
  const { error, results } = isPostgres(db)
    ? await run(await pgMigrator(db))
    : await db.connection().execute(async (conn) => {
        // Another process migrating holds the write lock for as long as its migrations take,
        // which on a loaded machine is longer than the usual wait for a busy database.
        const { rows } = await sql<{ timeout: number }>`select timeout from pragma_busy_timeout`.execute(conn);
        const usual = rows[0]?.timeout ?? 0;
        await sql.raw(`pragma busy_timeout = ${Math.max(usual, MIGRATION_LOCK_WAIT_MS)}`).execute(conn);
        try {
          await sql`begin immediate`.execute(conn);
          try {
            const migrator = new Migrator({ db: conn as Kysely<any>, provider: new StaticProvider(), disableTransactions: true });
            const outcome = await run(migrator);
            await sql.raw(outcome.error ? "rollback" : "commit").execute(conn);
            return outcome;
          } catch (err) {
            await sql`rollback`.execute(conn).catch(() => {});
            throw err;
          }
        } finally {
          await sql.raw(`pragma busy_timeout = ${usual}`).execute(conn);
        }
      });
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`migration ${failed?.migrationName ?? "?"} failed: ${reason}`, results);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/**
 * Kysely looks for its bookkeeping tables in every schema unless told which one; pin it to
 * the connection's current schema so databases shared by several OpsDesk schemas work.
 */
async function pgMigrator(db: Db): Promise<Migrator> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0].schema;
  return new Migrator({ db: withSchemaIntrospection(db, schema), provider: new StaticProvider(), migrationTableSchema: schema });
}

/**
 * The migrator asks "does this table exist" through Kysely's introspector, whose table list
 * covers every schema of the database and resolves each one by name
 * (pg_get_serial_sequence, has_schema_privilege): it slows down with every schema that shares
 * the database and fails with "schema ... does not exist" when one is dropped meanwhile (other
 * installations or test runs sharing the database). The migrator gets a view of the database
 * whose introspection lists the tables of its own schema only; everything else is the
 * database itself.
 */
function withSchemaIntrospection(db: Db, schema: string): Db {
  const introspection: DatabaseIntrospector = {
    getSchemas: async () => (await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(db)).rows,
    getTables: async () => {
      const { rows } = await sql<{ name: string; view: boolean }>`select c.relname as name, c.relkind = 'v' as view from pg_catalog.pg_class c
        join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace where ns.nspname = ${schema} and c.relkind in ('r', 'v', 'p')`.execute(db);
      return rows.map((r) => ({ name: r.name, schema, isView: r.view, columns: [] }));
    },
    getMetadata: async () => ({ tables: await introspection.getTables() }),
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "introspection") return introspection;
      const value = Reflect.get(target, prop, target) as unknown;
      // Kysely's methods use private fields: they must run on the database itself, not the view.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** True when every known migration has been applied. */
export async function migrationsDone(db: Db): Promise<boolean> {
  const migrator = isPostgres(db) ? await pgMigrator(db) : new Migrator({ db, provider: new StaticProvider() });
  const all = await migrator.getMigrations();
  return all.length === Object.keys(MIGRATIONS).length && all.every((m) => m.executedAt !== undefined);
}
