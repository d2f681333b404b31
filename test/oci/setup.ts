// Global setup of the OCI tests (npm run test:oci): the template's Dockerfile built for real,
// unmodified, by podman (buildah), from build contexts laid out as `faas-cli build --shrinkwrap`
// lays them out, with the command faas-cli runs, on the stand-in base images that
// tools/oci/stand-ins.sh makes (no registry can be reached here). Each function is built for
// this machine's platform, linux/arm64 and linux/arm/v7. A missing tool fails the run.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildImage, layoutContext } from "../../tools/image.js";
import { readStack } from "../../tools/stack.js";
import { CONTAINERS_CONF, podmanOk, ROOT } from "./podman.js";

export type Platform = "linux/amd64" | "linux/arm64" | "linux/arm/v7";

export interface OciBuild {
  readonly name: string;
  readonly platform: Platform;
  readonly image: string;
  /** build/oci/<name>: the context, laid out as faas-cli does. */
  readonly context: string;
  /** What tools/image.ts plays from the same context: the ship stage's working directory. */
  readonly playedShip: string;
  readonly seconds: number;
  readonly log: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    ociBuilds: OciBuild[];
    hostPlatform: Platform;
  }
}

export const FUNCTIONS = ["generador", "validador"] as const;
const HOST: Platform = process.arch === "arm64" ? "linux/arm64" : "linux/amd64";

function requireTools(): void {
  const missing = ["podman", "buildah"].filter((tool) => spawnSync(tool, ["--version"]).status !== 0);
  const emulation = ["qemu-aarch64", "qemu-arm"].filter((name) => !existsSync(`/proc/sys/fs/binfmt_misc/${name}`));
  if (missing.length > 0 || emulation.length > 0) {
    throw new Error(
      `the OCI tests need ${[...missing, ...emulation.map((name) => `binfmt_misc ${name}`)].join(", ")}: ` +
        "run `bash tools/oci/setup.sh` as root (Debian: buildah, podman, runc, qemu-user-static, binfmt-support)",
    );
  }
}

export default async function setup(project: TestProject): Promise<void> {
  requireTools();
  const dockerfile = readFileSync(join(ROOT, "template/node22-ts/Dockerfile"), "utf8");
  const arg = (name: string) => new RegExp(`^ARG ${name}=(\\S+)$`, "m").exec(dockerfile)?.[1] ?? "";
  execFileSync("bash", [join(ROOT, "tools/oci/stand-ins.sh"), arg("NODE_IMAGE"), `ghcr.io/openfaas/of-watchdog:${arg("WATCHDOG_VERSION")}`], {
    stdio: "inherit",
    env: { ...process.env, CONTAINERS_CONF },
  });

  const stack = readStack(join(ROOT, "stack.yml"));
  const builds: OciBuild[] = [];
  for (const name of FUNCTIONS) {
    const context = layoutContext(ROOT, name, stack.functions[name]!, stack.configuration?.copy ?? [], join(ROOT, "build/oci"));
    // The fast builder plays the same context too, to compare what each puts in the image.
    const played = await buildImage(context);
    for (const platform of [HOST, "linux/arm64", "linux/arm/v7"] as const) {
      if (platform === HOST && builds.some((b) => b.name === name && b.platform === platform)) continue;
      const image = `localhost/lector-oci/${name}:${platform.replaceAll("/", "-")}`;
      // faas-cli's command (`docker build --build-arg ADDITIONAL_PACKAGE= --tag IMAGE .`), through
      // podman: no registry (--pull=never), Docker format (keeps HEALTHCHECK). Other platforms
      // name this one as the build platform: buildah does not tell it to FROM lines.
      const cross = platform === HOST ? [] : ["--platform", platform, "--build-arg", `BUILDPLATFORM=${HOST}`];
      const started = Date.now();
      const log = await podmanOk(["build", "--pull=never", "--layers", "--format", "docker", "--build-arg", "ADDITIONAL_PACKAGE=", ...cross, "--tag", image, "."], {
        cwd: context,
        timeoutMs: 600_000,
      });
      const seconds = (Date.now() - started) / 1000;
      console.log(`oci: built ${image} in ${seconds.toFixed(1)} s`);
      builds.push({ name, platform, image, context, playedShip: played.dir, seconds, log });
    }
  }
  project.provide("ociBuilds", builds);
  project.provide("hostPlatform", HOST);
}
