// Readiness behind the real of-watchdog, started as the image starts it: its /_/health says 200
// only once the function can answer, on a fresh start and after a restart that finds the lock
// file a killed process left (in Kubernetes /tmp, an emptyDir, survives a container restart).
// From the moment the watchdog listens, /_/health is polled as fast as it answers; at its
// first 200 the function's route must answer too.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { isRunning } from "../../tools/proc.js";
import type { WatchedFunction } from "../../tools/watchdog.js";
import { startWatched, stopWatched, watchdogProgram } from "../support/functions.js";
import { scratchDir } from "../../tools/scratch.js";

const status = (url: string): Promise<number> => fetch(url).then((res) => res.status, () => 0);

/** Polls /_/health until 200 (or 15 s), then asks the function's route; returns what was seen. */
async function watchUntilHealthy(fn: WatchedFunction): Promise<{ before: number[]; route: number }> {
  const before: number[] = [];
  const until = performance.now() + 15_000;
  for (let health = await status(`${fn.url}/_/health`); health !== 200 && performance.now() < until; health = await status(`${fn.url}/_/health`)) {
    before.push(health);
  }
  return { before, route: await status(`${fn.url}/text`) };
}

describe.skipIf(!watchdogProgram())("readiness behind the watchdog", () => {
  test.each([
    ["a fresh start", false],
    ["a restart that finds a leftover lock", true],
  ])("%s: /_/health says 503 until the function answers its route, never 200 before", async (_start, leftover) => {
    const tmpDir = scratchDir("ready-");
    if (leftover) writeFileSync(join(tmpDir, ".lock"), "");
    // The handler takes a moment to load, so that a window in which the watchdog says ready
    // while the function cannot answer would be seen.
    const fn = await startWatched("echo", { tmpDir, untilListening: true, env: { FIXTURE_LOAD_DELAY_MS: "300" } });
    try {
      // By the time the watchdog answers anything, a leftover lock is gone.
      const listening = existsSync(fn.lockFile);
      const { before, route } = await watchUntilHealthy(fn);
      expect({ lockWhenListening: listening, route }).toEqual({ lockWhenListening: false, route: 200 });
      expect(before.length, "polls before the function could answer").toBeGreaterThan(0);
      expect(new Set(before)).toEqual(new Set([503]));
    } finally {
      await stopWatched(fn);
    }
  });
});

describe.skipIf(!watchdogProgram())("the harness behind the watchdog", () => {
  test("finds the function, and a SIGKILL to the watchdog ends the function too, as a container's end does", async () => {
    // Go forks from whichever thread runs the goroutine: the function may be any thread's child.
    // Started and quiet, a function outlives a watchdog killed alone, and holds on to its port.
    for (let i = 0; i < 3; i++) {
      const fn = await startWatched("echo");
      const pid = fn.functionPid();
      expect(pid, "the watchdog's child").toBeDefined();
      fn.kill("SIGKILL");
      await fn.exited;
      await expect.poll(() => isRunning(pid!), { timeout: 5000 }).toBe(false);
    }
  });
});
