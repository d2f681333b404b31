// The images of test/oci/setup.ts started as a container runtime starts them: their own CMD
// (sh run-watchdog.sh: a leftover lock removed, then the real of-watchdog from the stand-in
// watchdog image as PID 1), which starts the function's fprocess and proxies to it; the
// watchdog's port 8080 published on 127.0.0.1;
// stack.yml's environment; read-only with a tmpfs /tmp, as readonly_root_filesystem deploys it.
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

/**
 * Whether the images for `platform` carry the real watchdog (OPENFAAS_BIN_DIR had its binary
 * when the stand-ins were made). Without it a test that starts them is skipped with one line on
 * a user's machine and fails in CI.
 */
export function realWatchdogIn(platform: Platform): boolean {
  if (inject("realWatchdogs").includes(platform)) return true;
  const line = `the ${platform} images have a placeholder watchdog: set OPENFAAS_BIN_DIR=<folder with of-watchdog-linux-<arch>> for npm run test:oci`;
  if (process.env["CI"] === "true") throw new Error(`${line}: CI runs the images with the real of-watchdog`);
  console.warn(`skipped, ${line}`);
  return false;
}

/** The ship stage's ENV, as the Dockerfile writes it. */
export const shipEnv: Record<string, string> = Object.assign(
  {},
  ...parseDockerfile(readFileSync(join(ROOT, "template/node24-ts/Dockerfile"), "utf8"))
    .find((stage) => stage.name === "ship")!
    .instructions.filter((i) => i.keyword === "ENV")
    .map((i) => parseEnv(i.args)),
);

export interface Container {
  readonly id: string;
  /** The watchdog's port 8080, published on 127.0.0.1. */
  readonly url: string;
  readonly port: number;
}

/** Starts an image with its own CMD, read-only with a tmpfs /tmp, and stack.yml's environment. */
export async function startContainer(image: string, name: string, options: { env?: Record<string, string>; runArgs?: readonly string[] } = {}): Promise<Container> {
  const port = await freePort();
  const env = { ...readStack(join(ROOT, "stack.yml")).functions[name]!.environment, ...options.env };
  const id = (
    await podmanOk([
      "run", "-d", "--read-only", "--tmpfs", "/tmp", "-p", `127.0.0.1:${port}:8080`,
      ...(options.runArgs ?? []),
      ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
      image,
    ])
  ).trim();
  return { id, url: `http://127.0.0.1:${port}`, port };
}

/** Waits until the watchdog's /_/health answers 200 through the published port; fails if the container stops first. */
export async function untilHealthy(container: Container, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${container.url}/_/health`).then((res) => res.status, () => 0);
    if (status === 200) return;
    const state = (await podmanOk(["inspect", container.id, "--format", "{{.State.Status}}"])).trim();
    if (state !== "running" || Date.now() > deadline) {
      const logs = await podman(["logs", container.id]);
      throw new Error(`container ${state}, /_/health ${status || "no answer"}:\n${logs.stdout}${logs.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The container's output so far (the watchdog's log lines and the function's). */
export async function logsOf(container: Container): Promise<string> {
  const logs = await podman(["logs", container.id]);
  return logs.stdout + logs.stderr;
}

export async function removeContainers(containers: readonly Container[]): Promise<void> {
  for (const container of containers) await podman(["rm", "-f", container.id]);
}
