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
    // leaving a core idle while a test waits for PostgreSQL, a child server or a timer. (On
    // PostgreSQL each test has a schema of its own; the migrator looks only at its own schema,
    // so another worker's schema drops do not disturb it: migrate.pg.test.ts.)
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
