import { defineConfig } from "vitest/config";

// `npm test` runs every test on in-memory SQLite; `npm run test:pg` sets OPSDESK_TEST_DB=pg and
// the same tests run on PostgreSQL, each test in a schema of its own.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**", "dist/**"],
    environment: "node",
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: one worker on this 2-core machine,
    // leaving a core idle while a test waits for a child server or a timer. On PostgreSQL one
    // worker: Kysely's migrator lists the tables of every schema (pg_get_serial_sequence by
    // schema name), which fails when another worker drops its test schema at that moment.
    maxWorkers: process.env.OPSDESK_TEST_DB === "pg" ? 1 : 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
