// The image the Dockerfile makes, checked without Docker: its stages as written, and what
// playing them (tools/image.ts) leaves in the image that runs.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, test } from "vitest";
import { buildImage, expandArgs, globalArgs, hostPlatformArgs, layoutContext, neededStages, parseDockerfile, parseEnv } from "../../tools/image.js";
import { IMAGE_USER, startFunction } from "../../tools/run.js";
import { scratchDir } from "../../tools/scratch.js";

const ROOT = process.cwd();
const dockerfile = readFileSync("template/node24-ts/Dockerfile", "utf8");
const stages = parseDockerfile(dockerfile);
const args = globalArgs(dockerfile);
const stage = (name: string) => stages.find((s) => s.name === name)!;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

describe("Dockerfile", () => {
  test("pins a watchdog with linux/arm/v7 (0.10.7), Node 24 by default, exact images and Alpine's nodejs for arm/v7", () => {
    expect(dockerfile).toMatch(/^ARG WATCHDOG_VERSION=0\.10\.7$/m);
    expect(dockerfile).toMatch(/^FROM --platform=\$TARGETPLATFORM ghcr\.io\/openfaas\/of-watchdog:\$\{WATCHDOG_VERSION\} AS watchdog$/m);
    // The default line is written in the FROM lines that use it (buildah picks stages before
    // it applies ARG defaults), the same in both.
    expect(args["NODE_LINE"]).toBe("");
    expect([stage("build").from, stage("ship").from].map((from) => /\$\{NODE_LINE:-(\d+)\}/.exec(from)?.[1])).toEqual(["24", "24"]);
    expect(args["NODE24_IMAGE"]).toMatch(/^node:24\.\d+\.\d+-alpine3\.\d+$/);
    expect(args["NODE22_IMAGE"]).toMatch(/^node:22\.\d+\.\d+-alpine3\.\d+$/);
    expect(args["ALPINE_IMAGE"]).toMatch(/^alpine:3\.\d+$/);
    expect(args["ALPINE_NODEJS"]).toMatch(/^24\.\d+\.\d+-r\d+$/);
    // The Node 24 image and Alpine's nodejs come from the same Alpine release.
    expect(args["NODE24_IMAGE"]!.split("-alpine")[1]).toBe(args["ALPINE_IMAGE"]!.split(":")[1]);
  });

  test("installs and compiles on the build platform, ships on the target platform, with no platform of its own", () => {
    // No default platform: an empty one lets buildah/podman follow their target (a default
    // like linux/amd64 built amd64 ship stages on arm64 hosts). test/oci proves it with buildah.
    expect(dockerfile).toMatch(/^ARG BUILDPLATFORM\nARG TARGETPLATFORM$/m);
    expect(dockerfile).not.toMatch(/PLATFORM:-/);
    for (const line of ["24", "22"]) {
      expect(stage(`toolchain-${line}`).from).toBe(`\${NODE${line}_IMAGE}`);
      expect(dockerfile).toMatch(new RegExp(`^FROM --platform=\\$BUILDPLATFORM \\$\\{NODE${line}_IMAGE\\} AS toolchain-${line}$`, "m"));
      expect(dockerfile).toMatch(new RegExp(`^FROM --platform=\\$TARGETPLATFORM \\$\\{NODE${line}_IMAGE\\} AS runtime-${line}$`, "m"));
    }
    expect(dockerfile).toMatch(/^FROM --platform=\$TARGETPLATFORM \$\{ALPINE_IMAGE\} AS runtime-24-v7$/m);
    expect(stage("build").from).toBe("toolchain-${NODE_LINE:-24}");
    expect(stage("ship").from).toBe("runtime-${NODE_LINE:-24}${TARGETVARIANT:+-}${TARGETVARIANT}");
    expect(stages.map((s) => s.name)).toEqual(["watchdog", "toolchain-24", "toolchain-22", "build", "runtime-24", "runtime-24-v7", "runtime-22", "runtime-22-v7", "ship"]);
  });

  // What each platform's build takes, as BuildKit and buildah pick stages (buildah builds only
  // the stages the target needs; test/oci checks the arm64 and amd64 builds with buildah).
  const platforms = {
    "linux/amd64": hostPlatformArgs("x64"),
    "linux/arm64": hostPlatformArgs("arm64"),
    "linux/arm/v7": hostPlatformArgs("arm"),
  } as const;
  const imageOf = (name: string, vars: Record<string, string>) => expandArgs(stage(name).from, vars);

  test.each(Object.keys(platforms) as (keyof typeof platforms)[])("%s: the stages each line takes, its runtime image, and what runs under emulation", (platform) => {
    for (const line of ["24", "22"]) {
      const vars = { ...args, ...platforms[platform], NODE_LINE: line };
      const names = neededStages(stages, vars).map((s) => s.name);
      const runtime = platform === "linux/arm/v7" ? `runtime-${line}-v7` : `runtime-${line}`;
      expect(names, `${platform} Node ${line}`).toEqual(expect.arrayContaining(["watchdog", `toolchain-${line}`, "build", runtime, "ship"]));
      expect(names.filter((name) => name.startsWith("toolchain-") || name.startsWith("runtime-")).sort()).toEqual(
        [`toolchain-${line}`, runtime, ...(runtime === "runtime-22-v7" ? ["runtime-22"] : [])].sort(),
      );
      // Target-platform stages (all but the build chain) run nothing, except arm/v7's Node 24 base.
      const emulated = neededStages(stages, vars)
        .filter((s) => !["build", `toolchain-${line}`].includes(s.name))
        .flatMap((s) => s.instructions.filter((i) => i.keyword === "RUN").map((i) => `${s.name}: ${i.args}`));
      if (platform === "linux/arm/v7" && line === "24") {
        expect(emulated).toEqual([
          'runtime-24-v7: apk add --no-cache "nodejs=${ALPINE_NODEJS}" && addgroup -g 1000 node && adduser -D -u 1000 -G node -s /bin/sh node',
        ]);
        expect(imageOf("runtime-24-v7", vars)).toBe(args["ALPINE_IMAGE"]);
      } else {
        expect(emulated).toEqual([]);
        expect(imageOf(`runtime-${line}`, vars)).toBe(args[`NODE${line}_IMAGE`]);
      }
    }
  });

  test("a plain buildah build sees no TARGETVARIANT and no ARG defaults when it picks stages: Node 24, the amd64/arm64 runtime", () => {
    const none = Object.fromEntries(Object.keys(args).map((name) => [name, ""]));
    expect(neededStages(stages, none).map((s) => s.name)).toEqual(["watchdog", "toolchain-24", "build", "runtime-24", "ship"]);
  });

  test("every build step is an npm command, tests run before dev dependencies are pruned", () => {
    const runs = stage("build").instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
    expect(runs.every((run) => run.split(" && ").every((command) => command.startsWith("npm ")))).toBe(true);
    expect(runs).toEqual([
      "npm ci && npm ci --prefix function",
      "npm run build",
      "npm test",
      "npm prune --omit=dev && npm prune --omit=dev --prefix function",
      "npm run ship",
    ]);
  });

  test("the ship stage runs nothing (no emulation), as a non-root user, with a HEALTHCHECK", () => {
    const ship = stage("ship").instructions;
    expect(ship.filter((i) => i.keyword === "RUN")).toEqual([]);
    const user = ship.find((i) => i.keyword === "USER")?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(ship.find((i) => i.keyword === "HEALTHCHECK")?.args).toMatch(/\[ -e \/tmp\/\.lock \] \|\| exit 1/);
    expect(ship.at(-1)).toEqual({ keyword: "CMD", args: '["sh", "run-watchdog.sh"]' });
  });

  test("its command removes a lock file left in TMPDIR (or /tmp), then becomes fwatchdog: the same process, with its arguments", () => {
    const dir = scratchDir("run-watchdog-");
    // A stand-in fwatchdog that says which process it is, what it was given, and whether the lock is there.
    writeFileSync(join(dir, "fwatchdog"), '#!/bin/sh\necho "$$ $* $(test -e "$TMPDIR/.lock" && echo locked || echo unlocked)"\n', { mode: 0o755 });
    writeFileSync(join(dir, ".lock"), "");
    const run = spawnSync("sh", ["-c", 'echo "$$"; exec sh template/node24-ts/run-watchdog.sh -x', "sh"], { env: { PATH: `${dir}:${process.env["PATH"]}`, TMPDIR: dir }, encoding: "utf8" });
    const [pid, said] = run.stdout.trim().split("\n");
    expect([run.status, said]).toEqual([0, `${pid} -x unlocked`]);
    expect(existsSync(join(dir, ".lock"))).toBe(false);
  });

  test("the watchdog's defaults: HTTP mode on port 3000, the function writes the lock, no log prefixes", () => {
    const env = Object.assign({}, ...stage("ship").instructions.filter((i) => i.keyword === "ENV").map((i) => parseEnv(i.args)));
    expect(env).toMatchObject({
      fprocess: "node src/index.js",
      mode: "http",
      upstream_url: "http://127.0.0.1:3000",
      http_port: "3000",
      suppress_lock: "true",
      prefix_logs: "false",
      exec_timeout: "10s",
      write_timeout: "15s",
      read_timeout: "15s",
    });
    const template = readFileSync("template/node24-ts/template.yml", "utf8");
    expect(template).toMatch(/^language: node24-ts$/m);
    expect(template).toMatch(new RegExp(`^fprocess: ${env.fprocess}$`, "m"));
  });
});

describe("the image that runs", () => {
  test("holds compiled JavaScript and production dependencies only", () => {
    const image = inject("images")["scaffold"]!;
    const files = filesUnder(image.dir);
    expect(image.cmd).toEqual(["sh", "run-watchdog.sh"]);
    expect(files).toContain("run-watchdog.sh");
    expect(files).toContain("src/index.js");
    expect(files).toContain("function/handler.js");
    expect(files.filter((file) => file.endsWith(".ts"))).toEqual([]);
    expect(files.filter((file) => file.endsWith(".test.js"))).toEqual([]);
    expect(existsSync(join(image.dir, "node_modules/express"))).toBe(true);
    for (const dev of ["typescript", "@types/node", "@types/express"]) {
      expect(existsSync(join(image.dir, "node_modules", dev)), dev).toBe(false);
    }
  });

  test("is readable by the image's user and writable only by root, from a context with faas-cli's 0700 folders", () => {
    const context = join(ROOT, "build", "scaffold");
    expect([statSync(context).mode & 0o777, statSync(join(context, "function")).mode & 0o777]).toEqual([0o700, 0o700]);
    const image = inject("images")["scaffold"]!;
    const entries = [image.dir, ...readdirSync(image.dir, { recursive: true }).map((path) => join(image.dir, String(path)))];
    const wrong = entries.flatMap((path) => {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) return [];
      const mode = stat.mode & 0o777;
      const readable = stat.isDirectory() ? (mode & 0o005) === 0o005 : (mode & 0o004) === 0o004;
      const problems = [!readable && "not readable by others", (mode & 0o022) !== 0 && "group/others may write", stat.uid === IMAGE_USER.uid && "owned by node"];
      return problems.filter(Boolean).map((problem) => `${path.slice(image.dir.length)} ${mode.toString(8)}: ${problem}`);
    });
    expect(wrong).toEqual([]);
  });

  test("the scaffold a new function starts from builds, passes its test and serves", async () => {
    const fn = await startFunction(inject("images")["scaffold"]!);
    const res = await fetch(`${fn.url}/hello`, { method: "POST", body: JSON.stringify({ name: "pi" }), headers: { "content-type": "application/json" } });
    expect(await res.json()).toEqual({ method: "POST", path: "/hello", contentType: "application/json", body: { name: "pi" } });
    const refused = await fetch(fn.url, { method: "DELETE" });
    expect([refused.status, await refused.json()]).toEqual([405, { error: "DELETE is not supported: use GET or POST" }]);
    fn.kill("SIGINT");
    expect((await fn.exited).code).toBe(0);
  });

  test("a failing function test stops the build at npm test", async () => {
    const handler = join(ROOT, "build", "failing-handler");
    rmSync(handler, { recursive: true, force: true });
    mkdirSync(handler, { recursive: true });
    cpSync("template/node24-ts/function", handler, { recursive: true });
    writeFileSync(
      join(handler, "broken.test.ts"),
      'import { test } from "node:test";\nimport assert from "node:assert/strict";\ntest("is red", () => assert.equal(1 + 1, 3));\n',
    );
    const context = layoutContext(ROOT, "failing", { lang: "node24-ts", handler: "./build/failing-handler", image: "test/failing" });
    await expect(buildImage(context)).rejects.toThrow(/RUN npm test exited with 1[\s\S]*is red/);
  }, 120_000);
  test("a handler that imports the API by its old name, @node22-ts/api, builds and serves unchanged", async () => {
    const handler = join(ROOT, "build", "old-name-handler");
    rmSync(handler, { recursive: true, force: true });
    mkdirSync(handler, { recursive: true });
    for (const file of ["package.json", "package-lock.json"]) cpSync(join("template/node24-ts/function", file), join(handler, file));
    writeFileSync(
      join(handler, "handler.ts"),
      'import { HttpError, type FunctionEvent } from "@node22-ts/api";\n' +
        'export default async function handle(event: FunctionEvent) {\n' +
        '  if (event.query["fail"] !== undefined) throw new HttpError(418, "refused by the old name");\n' +
        '  return { path: event.path };\n' +
        '}\n',
    );
    // Its own test, or the scaffold's handler.test.ts (laid under it, as faas-cli does) would run.
    writeFileSync(
      join(handler, "handler.test.ts"),
      'import { test } from "node:test";\nimport assert from "node:assert/strict";\nimport handle from "./handler.js";\n' +
        'test("answers its path", async () => assert.deepEqual(await handle({ path: "/p", query: {} } as never), { path: "/p" }));\n',
    );
    const context = layoutContext(ROOT, "old-name", { lang: "node24-ts", handler: "./build/old-name-handler", image: "test/old-name" });
    const fn = await startFunction(await buildImage(context));
    try {
      const ok = await fetch(`${fn.url}/x`);
      expect([ok.status, await ok.json()]).toEqual([200, { path: "/x" }]);
      // The same HttpError class under both names: the template answers it with its status.
      const refused = await fetch(`${fn.url}/x?fail`);
      expect([refused.status, await refused.json()]).toEqual([418, { error: "refused by the old name" }]);
    } finally {
      fn.kill("SIGINT");
      await fn.exited;
      rmSync(handler, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("tools/image.ts plays what this machine's build needs, as BuildKit does", () => {
  const context = join(ROOT, "build", "player-stages");
  const stagesDir = `${context}.stages`;
  const variant = hostPlatformArgs()["TARGETVARIANT"];
  const other = variant === "v7" ? "" : "-v7";
  const setup = () => {
    rmSync(context, { recursive: true, force: true });
    mkdirSync(context, { recursive: true });
    // A stage only another platform starts from fails if it is run here.
    writeFileSync(
      join(context, "Dockerfile"),
      [
        "ARG TARGETVARIANT",
        "ARG LINE=a",
        "FROM --platform=$TARGETPLATFORM example/base AS base-a",
        "WORKDIR /app",
        "ENV FROM_BASE=a",
        "RUN echo a > base.txt",
        `FROM --platform=$TARGETPLATFORM example/base AS base-a${other}`,
        "RUN echo this stage is for another platform; exit 3",
        `FROM --platform=$TARGETPLATFORM example/base AS base-a${variant ? `-${variant}` : ""}-unused`,
        "RUN exit 4",
        "FROM --platform=$TARGETPLATFORM example/base AS base-b",
        "WORKDIR /app",
        "RUN echo b > base.txt",
        "FROM base-${LINE}${TARGETVARIANT:+-}${TARGETVARIANT} AS final",
        "RUN cp base.txt copied.txt",
        "",
      ].join("\n"),
    );
  };

  test("skips stages no needed stage starts from or copies from; a stage FROM a stage starts from its files, ENV and WORKDIR", async () => {
    setup();
    const lines: string[] = [];
    const image = await buildImage(context, (line) => lines.push(line));
    expect(image.dir).toBe(join(stagesDir, "final", "app"));
    expect(image.env).toEqual({ FROM_BASE: "a" });
    expect(readFileSync(join(image.dir, "copied.txt"), "utf8")).toBe("a\n");
    expect(readdirSync(stagesDir).sort()).toEqual(["base-a", "final"]);
    expect(lines.filter((line) => line.startsWith("skipped stage")).length).toBe(3);
  });

  test("COPY leaves out what .dockerignore names, as Docker reads it: ** at any depth, other patterns from the context's root", async () => {
    rmSync(context, { recursive: true, force: true });
    for (const dir of ["node_modules", "sub/node_modules", "ship", "sub/ship"]) mkdirSync(join(context, dir), { recursive: true });
    for (const file of ["a.txt", "node_modules/x", "sub/node_modules/y", "ship/z", "sub/ship/w", "notes.md", "sub/notes.md"]) writeFileSync(join(context, file), "");
    writeFileSync(join(context, ".dockerignore"), "# comment\n**/node_modules\nship\n./notes.md\n");
    writeFileSync(join(context, "Dockerfile"), "FROM --platform=$TARGETPLATFORM example/base AS only\nWORKDIR /app\nCOPY . .\n");
    const image = await buildImage(context);
    expect(filesUnder(image.dir).sort()).toEqual([".dockerignore", "Dockerfile", "a.txt", "sub/notes.md", "sub/ship/w"]);
  });

  test("build args choose the stages, as NODE_LINE=22 does", async () => {
    setup();
    const image = await buildImage(context, () => {}, { LINE: "b" });
    expect(readFileSync(join(image.dir, "copied.txt"), "utf8")).toBe("b\n");
    expect(image.env).toEqual({});
    expect(readdirSync(stagesDir).sort()).toEqual(["base-b", "final"]);
  });
});
