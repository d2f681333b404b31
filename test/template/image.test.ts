// The image the Dockerfile makes, checked without Docker: its stages as written, and what
// playing them (tools/image.ts) leaves in the image that runs.
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, test } from "vitest";
import { buildImage, layoutContext, parseDockerfile, parseEnv } from "../../tools/image.js";
import { IMAGE_USER, startFunction } from "../../tools/run.js";

const ROOT = process.cwd();
const dockerfile = readFileSync("template/node22-ts/Dockerfile", "utf8");
const stages = parseDockerfile(dockerfile);
const stage = (name: string) => stages.find((s) => s.name === name)!;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

describe("Dockerfile", () => {
  test("pins a watchdog with linux/arm/v7 (0.10.7) as a build arg, and an exact Node 22 image", () => {
    expect(dockerfile).toMatch(/^ARG WATCHDOG_VERSION=0\.10\.7$/m);
    expect(dockerfile).toMatch(/^FROM --platform=\$TARGETPLATFORM ghcr\.io\/openfaas\/of-watchdog:\$\{WATCHDOG_VERSION\} AS watchdog$/m);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22\.\d+\.\d+-alpine3\.\d+$/m);
  });

  test("installs and compiles on the build platform, ships on the target platform, with no platform of its own", () => {
    // No default platform: an empty one lets buildah/podman follow their target (a default
    // like linux/amd64 built amd64 ship stages on arm64 hosts). test/oci proves it with buildah.
    expect(dockerfile).toMatch(/^ARG BUILDPLATFORM\nARG TARGETPLATFORM$/m);
    expect(dockerfile).toMatch(/^FROM --platform=\$BUILDPLATFORM \$\{NODE_IMAGE\} AS build$/m);
    expect(dockerfile).toMatch(/^FROM --platform=\$TARGETPLATFORM \$\{NODE_IMAGE\} AS ship$/m);
    expect(dockerfile).not.toMatch(/PLATFORM:-/);
    expect(stages.map((s) => s.name)).toEqual(["watchdog", "build", "ship"]);
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
    expect(ship.at(-1)).toEqual({ keyword: "CMD", args: '["fwatchdog"]' });
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
    const template = readFileSync("template/node22-ts/template.yml", "utf8");
    expect(template).toMatch(/^language: node22-ts$/m);
    expect(template).toMatch(new RegExp(`^fprocess: ${env.fprocess}$`, "m"));
  });
});

describe("the image that runs", () => {
  test("holds compiled JavaScript and production dependencies only", () => {
    const image = inject("images")["scaffold"]!;
    const files = filesUnder(image.dir);
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
    cpSync("template/node22-ts/function", handler, { recursive: true });
    writeFileSync(
      join(handler, "broken.test.ts"),
      'import { test } from "node:test";\nimport assert from "node:assert/strict";\ntest("is red", () => assert.equal(1 + 1, 3));\n',
    );
    const context = layoutContext(ROOT, "failing", { lang: "node22-ts", handler: "./build/failing-handler", image: "test/failing" });
    await expect(buildImage(context)).rejects.toThrow(/RUN npm test exited with 1[\s\S]*is red/);
  }, 120_000);
});
