import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // As tsconfig.json "paths": in a build context each handler's package.json maps #ocr.
    alias: { "#ocr": fileURLToPath(new URL("./ocr/index.ts", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Function folders' own tests run with node --test inside their image builds.
    // test/oci needs root and podman: npm run test:oci (vitest.oci.config.ts).
    exclude: ["test/fixtures/**", "test/oci/**", "**/node_modules/**"],
    globalSetup: ["test/support/tmp.ts", "test/support/images.ts"],
    setupFiles: ["test/support/scratch.ts"],
    testTimeout: 20_000,
    hookTimeout: 180_000,
  },
});
