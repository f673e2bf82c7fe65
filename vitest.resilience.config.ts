import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:resilience`'s fault suite: each file brings its own PostgreSQL cluster and Redis
 * (tests/resilience/support/services.ts) and breaks them, so it needs no shared test database.
 */
export default defineConfig({
  resolve: { alias: { "~": path.resolve("app") } },
  test: {
    include: ["tests/resilience/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    // read by the app code this process imports before a stack points it at its own services
    env: {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      DATABASE_URL: "postgres://postgres@127.0.0.1:1/unset",
    },
  },
});
