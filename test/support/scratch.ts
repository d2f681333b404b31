// Vitest setup file: what the tools made for a test file's functions goes with the file: the
// processes still running (a test's own stop may not have ended them yet), then their folders.
// Vitest ends its workers with SIGTERM, so the tools' own cleanup at exit never runs there.
import { afterAll } from "vitest";
import { stopStarted } from "../../tools/run.js";
import { removeScratch } from "../../tools/scratch.js";

afterAll(async () => {
  await stopStarted();
  removeScratch();
});
