// Functions started for tests as stack.yml deploys them: from their built image (provided by
// the global setup, test/support/images.ts) with their stack.yml environment, either alone
// (the template's own behaviour) or behind the real of-watchdog, as the platform runs them.
import { inject } from "vitest";
import { startFunction, type RunningFunction, type StartOptions } from "../../tools/run.js";
import { readStack } from "../../tools/stack.js";
import { startBehindWatchdog, type WatchdogOptions, type WatchedFunction } from "../../tools/watchdog.js";
import { realProgram } from "./real.js";

export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

export type FunctionName = "generador" | "validador";

/** The function's environment in stack.yml (MAX_BODY_SIZE, timeouts), as faas-cli deploys it. */
export function stackEnv(name: FunctionName): Record<string, string> {
  return { ...readStack(`${ROOT}/stack.yml`).functions[name]?.environment };
}

/** Starts a function from its built image with its stack.yml environment, plus `options.env`. */
export function startDeployed(name: FunctionName, options: StartOptions = {}): Promise<RunningFunction> {
  return startFunction(imageOf(name), { ...options, env: { ...stackEnv(name), ...options.env } });
}

/**
 * The real of-watchdog, or undefined (with one line saying how to provide it) when this machine
 * has none: suites behind it are then skipped, except in CI, where this throws.
 */
export const watchdogProgram = (): string | undefined => realProgram("of-watchdog");

/** Starts a function (stack.yml's, or a test function such as echo) behind the real watchdog. */
export function startWatched(name: FunctionName | "echo", options: WatchdogOptions = {}): Promise<WatchedFunction> {
  const watchdog = watchdogProgram();
  if (watchdog === undefined) throw new Error("no of-watchdog: guard the suite with watchdogProgram()");
  const env = name === "echo" ? {} : stackEnv(name);
  return startBehindWatchdog(watchdog, imageOf(name), { ...options, env: { ...env, ...options.env } });
}

/**
 * Stops a function started behind the watchdog at once: the function first (SIGINT: it exits 0
 * without the drain window, so the watchdog does not exit in error), then the watchdog, which
 * on SIGTERM would wait out its healthcheck_interval.
 */
export async function stopWatched(fn: WatchedFunction | undefined): Promise<void> {
  if (!fn) return;
  const pid = fn.functionPid();
  if (pid !== undefined) process.kill(pid, "SIGINT");
  fn.kill("SIGKILL");
  await fn.exited;
}

function imageOf(name: string) {
  const image = inject("images")[name];
  if (!image) throw new Error(`no image for ${name}: is it in IMAGES?`);
  return image;
}
