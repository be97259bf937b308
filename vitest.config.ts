import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/engine/test/**/*.test.ts", "test/unit/**/*.test.ts"],
    testTimeout: 30_000,
    pool: "threads",
  },
});
