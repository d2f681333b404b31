// The images of test/oci/setup.ts started as a container runtime starts them. How that differs
// from a deployment: the watchdog is a placeholder, so each container's entrypoint is its
// fprocess, listening on 0.0.0.0 for the published port where the watchdog would reach it on
// 127.0.0.1 (and the watchdog's own memory is not in the container).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { parseDockerfile, parseEnv } from "../../tools/image.js";
import { freePort } from "../../tools/run.js";
import { readStack } from "../../tools/stack.js";
import { podman, podmanOk, ROOT } from "./podman.js";
import type { NodeLine, OciBuild, Platform } from "./setup.js";

export const HOST = inject("hostPlatform");

export function ociBuild(name: string, platform: Platform, line: NodeLine = "24"): OciBuild {
  const found = inject("ociBuilds").find((b) => b.name === name && b.platform === platform && b.line === line);
  if (!found) throw new Error(`no ${platform} Node ${line} image of ${name} was built`);
  return found;
}

/** The ship stage's ENV, as the Dockerfile writes it. */
export const shipEnv: Record<string, string> = Object.assign(
  {},
  ...parseDockerfile(readFileSync(join(ROOT, "template/node22-ts/Dockerfile"), "utf8"))
    .find((stage) => stage.name === "ship")!
    .instructions.filter((i) => i.keyword === "ENV")
    .map((i) => parseEnv(i.args)),
);

export interface Container {
  readonly id: string;
  readonly url: string;
}

/** Starts an image read-only with a tmpfs /tmp, running its fprocess with stack.yml's environment. */
export async function startContainer(image: string, name: string, options: { env?: Record<string, string>; runArgs?: readonly string[] } = {}): Promise<Container> {
  const port = await freePort();
  const env = { ...readStack(join(ROOT, "stack.yml")).functions[name]!.environment, http_host: "0.0.0.0", ...options.env };
  const entrypoint = JSON.stringify(shipEnv["fprocess"]!.split(" "));
  const id = (
    await podmanOk([
      "run", "-d", "--read-only", "--tmpfs", "/tmp", "-p", `127.0.0.1:${port}:3000`,
      ...(options.runArgs ?? []),
      ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
      "--entrypoint", entrypoint, image,
    ])
  ).trim();
  return { id, url: `http://127.0.0.1:${port}` };
}

/** Waits for the function's "listening on" line; fails if the container stops first. */
export async function untilListening(container: Container, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logs = await podman(["logs", container.id]);
    if (/listening on/.test(logs.stdout + logs.stderr)) return;
    const state = (await podmanOk(["inspect", container.id, "--format", "{{.State.Status}}"])).trim();
    if (state !== "running" || Date.now() > deadline) throw new Error(`container ${state}, not listening:\n${logs.stdout}${logs.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function removeContainers(containers: readonly Container[]): Promise<void> {
  for (const container of containers) await podman(["rm", "-f", container.id]);
}
