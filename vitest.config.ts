import { defineConfig } from "vitest/config";

// `npm test` runs every test on in-memory SQLite; `npm run test:pg` sets OPSDESK_TEST_DB=pg and
// the same tests run on PostgreSQL, each test in a database of its own (a copy of a migrated
// template: test/helpers/test-db.ts).
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**", "dist/**"],
    environment: "node",
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: one worker on this 2-core machine,
    // leaving a core idle while a test waits for PostgreSQL, a child server or a timer. (On
    // PostgreSQL each test has a database of its own, so another worker's drops do not disturb
    // it; the migrator looks only at its own schema: migrate.pg.test.ts.)
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
