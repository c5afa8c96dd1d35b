import { defineConfig } from "vitest/config";

// `npm test` runs every test on in-memory SQLite; `npm run test:pg` sets OPSDESK_TEST_DB=pg and
// the same tests run on PostgreSQL, each test in a schema of its own.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**", "dist/**"],
    environment: "node",
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
