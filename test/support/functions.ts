// Functions started for tests as stack.yml deploys them: from their built image (provided by
// the global setup, test/support/images.ts) with their stack.yml environment.
import { inject } from "vitest";
import { startFunction, type RunningFunction, type StartOptions } from "../../tools/run.js";
import { readStack } from "../../tools/stack.js";

export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

export type FunctionName = "generador" | "validador";

/** The function's environment in stack.yml (MAX_BODY_SIZE, timeouts), as faas-cli deploys it. */
export function stackEnv(name: FunctionName): Record<string, string> {
  return { ...readStack(`${ROOT}/stack.yml`).functions[name]?.environment };
}

/** Starts a function from its built image with its stack.yml environment, plus `options.env`. */
export function startDeployed(name: FunctionName, options: StartOptions = {}): Promise<RunningFunction> {
  const image = inject("images")[name];
  if (!image) throw new Error(`no image for ${name}: is it in IMAGES?`);
  return startFunction(image, { ...options, env: { ...stackEnv(name), ...options.env } });
}
