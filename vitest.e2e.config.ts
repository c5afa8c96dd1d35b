import { defineConfig } from "vitest/config";

/** Browser scenarios: a real server, a real Chromium, one file at a time. */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    pool: "forks",
  },
});
