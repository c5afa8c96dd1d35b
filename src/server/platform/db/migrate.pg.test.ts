import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, usePg, type TestDb } from "../../../../test/helpers/test-db.js";
import { MIGRATION_NAMES, migrateToLatest, migrationsDone } from "./migrate.js";

// Other schemas in the same database come and go (other installations, parallel test runs): a
// migration run in one schema must neither look at them nor fail when one is dropped meanwhile.
describe.skipIf(!usePg)("migrations on a PostgreSQL database shared with other schemas", () => {
  let tdb: TestDb;
  beforeEach(async () => {
    tdb = await createTestDb({ migrate: false });
  });
  afterEach(async () => tdb.cleanup());

  it("apply while other schemas with tables are created and dropped", async () => {
    // In the migrated database itself (each test has a database of its own).
    const churn = new pg.Client({ connectionString: tdb.databaseUrl! });
    await churn.connect();
    let stop = false;
    let dropped = 0;
    const loop = (async () => {
      for (let i = 0; !stop; i++) {
        const name = `mchurn_${process.pid}_${i}`;
        await churn.query(`create schema ${name}; create table ${name}.t (id serial primary key, v text)`);
        await churn.query(`drop schema ${name} cascade`);
        dropped++;
      }
    })();
    try {
      // Each run checks for its bookkeeping tables: Kysely's own check listed every schema's
      // tables by name and failed about one run in three under this churn.
      for (let round = 0; round < 12; round++) {
        expect(await migrateToLatest(tdb.db)).toEqual(round === 0 ? MIGRATION_NAMES : []);
        expect(await migrationsDone(tdb.db)).toBe(true);
      }
    } finally {
      stop = true;
      await loop;
      await churn.end();
    }
    expect(dropped).toBeGreaterThan(0);
  });
});
