// Global setup of the OCI tests (npm run test:oci): the template's Dockerfile built for real,
// unmodified, by podman (buildah), from build contexts laid out as `faas-cli build --shrinkwrap`
// lays them out, with the command faas-cli runs, on the stand-in base images that
// tools/oci/stand-ins.sh makes (no registry can be reached here), the watchdog's from the real
// of-watchdog binaries in OPENFAAS_BIN_DIR (.ci/run sets it). Each function is built with
// Node 24 (the default) for this machine's platform, linux/arm64 and linux/arm/v7, and validador
// with NODE_LINE=22 for this machine's platform and linux/arm/v7. A missing tool fails the run.
// The arm/v7 Node 24 build cannot finish here: its runtime is Alpine's nodejs package, and the
// Alpine stand-in has no apk (no Alpine repository can be reached); the tests check where it
// stops.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildImage, globalArgs, layoutContext } from "../../tools/image.js";
import { findProgram, howToProvide, type Arch } from "../../tools/openfaas.js";
import { readStack } from "../../tools/stack.js";
import { CONTAINERS_CONF, podman, ROOT } from "./podman.js";

export type Platform = "linux/amd64" | "linux/arm64" | "linux/arm/v7";

export type NodeLine = "24" | "22";

export interface OciBuild {
  readonly name: string;
  readonly platform: Platform;
  readonly line: NodeLine;
  readonly image: string;
  /** Whether podman build exited 0 (the arm/v7 Node 24 build stops at `apk add`). */
  readonly ok: boolean;
  /** build/oci/<name>: the context, laid out as faas-cli does. */
  readonly context: string;
  /** What tools/image.ts plays from the same context: the ship stage's working directory. */
  readonly playedShip: string;
  readonly seconds: number;
  /** podman's output, stdout and stderr. */
  readonly log: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    ociBuilds: OciBuild[];
    hostPlatform: Platform;
    /** The platforms whose watchdog stand-in is the real of-watchdog (the others: a placeholder). */
    realWatchdogs: Platform[];
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

const ARCH: Record<Platform, Arch> = { "linux/amd64": "amd64", "linux/arm64": "arm64", "linux/arm/v7": "armv7" };

/** The platforms OPENFAAS_BIN_DIR has the watchdog for, as tools/oci/stand-ins.sh looks it up. */
function realWatchdogs(): Platform[] {
  const env = { OPENFAAS_BIN_DIR: process.env["OPENFAAS_BIN_DIR"] };
  const found = (Object.keys(ARCH) as Platform[]).filter((platform) => findProgram("of-watchdog", ARCH[platform], env) !== undefined);
  if (found.length < 3 && process.env["CI"] === "true") {
    throw new Error(`${howToProvide("of-watchdog")} for linux/amd64, arm64 and armv7: CI runs the images with the real watchdog`);
  }
  return found;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  requireTools();
  const watchdogs = realWatchdogs();
  const args = globalArgs(readFileSync(join(ROOT, "template/node24-ts/Dockerfile"), "utf8"));
  const images = [args["NODE24_IMAGE"]!, args["NODE22_IMAGE"]!, args["ALPINE_IMAGE"]!, `ghcr.io/openfaas/of-watchdog:${args["WATCHDOG_VERSION"]!}`];
  execFileSync("bash", [join(ROOT, "tools/oci/stand-ins.sh"), ...images], {
    stdio: "inherit",
    env: { ...process.env, CONTAINERS_CONF },
  });

  const stack = readStack(join(ROOT, "stack.yml"));
  const builds: OciBuild[] = [];
  const plan: [NodeLine, Platform][] = [
    ["24", HOST],
    ["24", "linux/arm64"],
    ["24", "linux/arm/v7"],
    ["22", HOST],
    ["22", "linux/arm/v7"],
  ];
  for (const name of FUNCTIONS) {
    const context = layoutContext(ROOT, name, stack.functions[name]!, stack.configuration?.copy ?? [], join(ROOT, "build/oci"));
    // The fast builder plays the same context too, to compare what each puts in the image.
    const played = await buildImage(context);
    for (const [line, platform] of plan) {
      if (line === "22" && name !== "validador") continue;
      if (builds.some((b) => b.name === name && b.platform === platform && b.line === line)) continue;
      const image = `localhost/lector-oci/${name}:node${line}-${platform.replaceAll("/", "-")}`;
      // faas-cli's command (`docker build --build-arg ADDITIONAL_PACKAGE= --tag IMAGE .`), through
      // podman: no registry (--pull=never), Docker format (keeps HEALTHCHECK). Other platforms
      // name this one as the build platform: buildah does not tell it to FROM lines.
      const cross = platform === HOST ? [] : ["--platform", platform, "--build-arg", `BUILDPLATFORM=${HOST}`];
      const nodeLine = line === "24" ? [] : ["--build-arg", `NODE_LINE=${line}`];
      const started = Date.now();
      const result = await podman(["build", "--pull=never", "--layers", "--format", "docker", "--build-arg", "ADDITIONAL_PACKAGE=", ...nodeLine, ...cross, "--tag", image, "."], {
        cwd: context,
        timeoutMs: 600_000,
      });
      const seconds = (Date.now() - started) / 1000;
      const ok = result.code === 0;
      // Only the arm/v7 Node 24 build may stop (at its `apk add`, checked by the tests).
      if (!ok && !(line === "24" && platform === "linux/arm/v7")) {
        throw new Error(`podman build of ${image} exited with ${result.code}:\n${result.stderr.slice(-4000)}`);
      }
      console.log(`oci: ${ok ? "built" : "stopped building"} ${image} in ${seconds.toFixed(1)} s`);
      builds.push({ name, platform, line, image, ok, context, playedShip: played.dir, seconds, log: result.stdout + result.stderr });
    }
  }
  project.provide("ociBuilds", builds);
  project.provide("hostPlatform", HOST);
  project.provide("realWatchdogs", watchdogs);
  return leaveNoUntaggedImages;
}

/**
 * A rebuilt tag leaves its earlier image untagged, and nothing reuses it: removed at the end, and
 * the run fails if any is still there. (The build cache's layers are parents of tagged images,
 * not dangling: they stay.)
 */
async function leaveNoUntaggedImages(): Promise<void> {
  const pruned = await podman(["image", "prune", "--force"]);
  const left = await podman(["images", "--filter", "dangling=true", "--quiet"]);
  const ids = left.stdout.split("\n").filter(Boolean);
  console.log(`oci: removed ${pruned.stdout.split("\n").filter(Boolean).length} untagged images`);
  if (pruned.code !== 0 || left.code !== 0 || ids.length > 0) {
    // Vitest reports an error thrown here but still exits 0: the exit code is set by hand.
    console.error(`FAIL podman's storage keeps untagged images after the run: ${ids.join(", ")} ${pruned.stderr}${left.stderr}`);
    process.exitCode = 1;
  }
}
