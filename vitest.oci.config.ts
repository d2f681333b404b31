import { defineConfig } from "vitest/config";

// npm run test:oci: the Dockerfile built and run for real with podman (needs root, and
// tools/oci/setup.sh). Kept apart from npm test, which runs anywhere Node runs.
export default defineConfig({
  test: {
    include: ["test/oci/**/*.test.ts"],
    globalSetup: ["test/oci/setup.ts"],
    // Scratch folders go with their test file: vitest ends its workers with SIGTERM, so the
    // tools' own cleanup at exit never runs there.
    setupFiles: ["test/support/scratch.ts"],
    testTimeout: 180_000,
    hookTimeout: 900_000,
    fileParallelism: false,
  },
});
