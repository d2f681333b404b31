// The real faas-cli (0.17.6) on this project, each time in a temporary copy of it
// (test/support/faas-cli.ts): what `build --shrinkwrap` lays out, what `new` makes, what
// `generate` emits. The docs' commands against npm start are run in test/docs/; faas-cli's
// own image build (through podman) in test/oci/faas-cli.test.ts.
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, onTestFinished, test } from "vitest";
import { parseAllDocuments } from "yaml";
import { buildImage, layoutContext } from "../../tools/image.js";
import { runnableDir } from "../../tools/run.js";
import { readStack } from "../../tools/stack.js";
import { startBehindWatchdog } from "../../tools/watchdog.js";
import { copyProject, faasCliOnPath, otherLines, ROOT, run, templateName, userEnv } from "../support/faas-cli.js";
import { inlineCommands } from "../support/docs.js";
import { realProgram } from "../support/real.js";
import { scratchDir } from "../../tools/scratch.js";

const faasCli = realProgram("faas-cli");
const watchdog = realProgram("of-watchdog");
const stack = readStack(join(ROOT, "stack.yml"));
const names = Object.keys(stack.functions);

/** A copy of the project for one test, removed after it. */
function projectCopy(): string {
  const dir = copyProject();
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file and folder under dir: its mode, and its bytes' digest (or a link's target). */
function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = { ".": `${(lstatSync(dir).mode & 0o7777).toString(8)} dir` };
  for (const path of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const full = join(dir, path);
    const stat = lstatSync(full);
    const mode = (stat.mode & 0o7777).toString(8);
    if (stat.isSymbolicLink()) entries[path] = `link ${readlinkSync(full)}`;
    else if (stat.isDirectory()) entries[path] = `${mode} dir`;
    else entries[path] = `${mode} ${createHash("sha256").update(readFileSync(full)).digest("hex")}`;
  }
  return entries;
}

describe.skipIf(!faasCli)("faas-cli 0.17.6 on this project (in a copy of it)", () => {
  test.each([
    ["a developer's machine", {}],
    ["CI=true", { CI: "true" }],
  ])("build --shrinkwrap on %s lays out exactly the contexts tools/image.ts lays out: the same files, bytes and modes", async (_, extra: Record<string, string>) => {
    const project = projectCopy();
    const shrinkwrap = await run(faasCli!, ["build", "--shrinkwrap"], { cwd: project, env: { ...userEnv(), ...extra } });
    expect(shrinkwrap.code, shrinkwrap.stdout + shrinkwrap.stderr).toBe(0);
    expect(otherLines(shrinkwrap.stderr)).toEqual([]);
    const played = scratchDir("layout-");
    onTestFinished(() => rmSync(played, { recursive: true, force: true }));
    for (const name of names) {
      expect(shrinkwrap.stdout).toContain(`${name} shrink-wrapped to build/${name}`);
      const ours = layoutContext(project, name, stack.functions[name]!, stack.configuration?.copy ?? [], played, { ci: "CI" in extra });
      const theirs = snapshot(join(project, "build", name));
      // Folders 0700 on a developer's machine (0777 less the umask in CI); files as in the project.
      if (!("CI" in extra)) expect([theirs["."], theirs["function"]]).toEqual(["700 dir", "700 dir"]);
      expect(Object.keys(theirs)).toContain("function/ocr/index.ts");
      expect(snapshot(ours)).toEqual(theirs);
    }
  });

  test.skipIf(!watchdog)("the docs' `faas-cli new` adds a function whose handler folder builds and serves behind the real watchdog", async () => {
    const lang = templateName();
    const commands = inlineCommands("faas-cli new ");
    expect(commands).toHaveLength(1);
    expect(commands[0]).toContain(`--lang ${lang}`);
    const project = projectCopy();
    const bin = faasCliOnPath(faasCli!);
    onTestFinished(() => rmSync(bin, { recursive: true, force: true }));
    const path = `${bin}:${process.env["PATH"] ?? ""}`;
    const created = await run("bash", ["-c", commands[0]!.replace("NAME", "contador")], { cwd: project, env: { ...userEnv(), PATH: path } });
    expect(created.code, created.stdout + created.stderr).toBe(0);
    expect(otherLines(created.stderr)).toEqual([]);
    expect(created.stdout).toContain("Function created in folder: contador");
    // Appended to stack.yml, the rest of it left as it was.
    const after = readStack(join(project, "stack.yml"));
    expect(after.functions["contador"]).toEqual({ lang, handler: "./contador", image: "contador:latest" });
    for (const name of names) expect(after.functions[name]).toEqual(stack.functions[name]);
    // The template's scaffold, in a 0700 folder; faas-cli also lists template/ in .gitignore
    // (which is why the docs say to keep the vendored template tracked).
    expect(lstatSync(join(project, "contador")).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(project, "contador")).sort()).toEqual(readdirSync(join(ROOT, "template", lang, "function")).sort());
    expect(readFileSync(join(project, ".gitignore"), "utf8").split("\n")).toContain("template");

    // Built from faas-cli's own context, and started as its image runs it.
    const shrinkwrap = await run(faasCli!, ["build", "--shrinkwrap", "--filter", "contador"], { cwd: project });
    expect(shrinkwrap.code, shrinkwrap.stdout + shrinkwrap.stderr).toBe(0);
    expect(existsSync(join(project, "build", "generador"))).toBe(false);
    const image = await buildImage(join(project, "build", "contador"));
    // faas-cli's build/ is 0700: the image's user runs a copy of the image's folder (tools/run.ts).
    const copy = runnableDir(image.dir);
    if (copy !== image.dir) onTestFinished(() => rmSync(dirname(copy), { recursive: true, force: true }));
    const fn = await startBehindWatchdog(watchdog!, image, { env: { healthcheck_interval: "1s" } });
    try {
      const res = await fetch(`${fn.url}/greet?x=1`, { method: "POST", body: JSON.stringify({ hello: "world" }), headers: { "content-type": "application/json" } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ method: "POST", path: "/greet", contentType: "application/json", body: { hello: "world" } });
    } finally {
      fn.kill();
      await fn.exited;
    }
  }, 240_000);

  test("template pull <this repository> fetches the template by its name, and new --lang makes a function from it", async () => {
    // faas-cli clones what is committed: a checkout without git history cannot be pulled from.
    const committed = await run("git", ["-C", ROOT, "ls-files", "--error-unmatch", `template/${templateName()}/template.yml`], { cwd: ROOT });
    expect(committed.code, "the template is committed").toBe(0);
    mkdirSync(join(ROOT, "build"), { recursive: true });
    const dir = mkdtempSync(join(ROOT, "build", "pull-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const pulled = await run(faasCli!, ["template", "pull", ROOT], { cwd: dir, env: userEnv() });
    expect(pulled.code, pulled.stdout + pulled.stderr).toBe(0);
    expect(readdirSync(join(dir, "template"))).toEqual([templateName()]);
    expect(readFileSync(join(dir, "template", templateName(), "template.yml"), "utf8")).toMatch(new RegExp(`^language: ${templateName()}$`, "m"));
    const created = await run(faasCli!, ["new", "contador", "--lang", templateName()], { cwd: dir, env: userEnv() });
    expect(created.code, created.stdout + created.stderr).toBe(0);
    expect(created.stdout).toContain(`You have created a function on ${templateName()}`);
    expect(readdirSync(join(dir, "contador")).sort()).toEqual(readdirSync(join(ROOT, "template", templateName(), "function")).sort());
  }, 60_000);

  test("generate emits an openfaas.com/v1 Function for each function with stack.yml's image, environment, labels, memory and read-only root", async () => {
    const project = projectCopy();
    const generated = await run(faasCli!, ["generate"], { cwd: project });
    expect(generated.code, generated.stdout + generated.stderr).toBe(0);
    expect(otherLines(generated.stderr)).toEqual([]);
    const documents = parseAllDocuments(generated.stdout).map((doc) => doc.toJS() as Record<string, unknown>).filter(Boolean);
    expect(documents.map((doc) => (doc["metadata"] as { name: string }).name)).toEqual(names);
    for (const doc of documents) {
      const name = (doc["metadata"] as { name: string }).name;
      const fn = stack.functions[name]!;
      expect(doc).toMatchObject({ apiVersion: "openfaas.com/v1", kind: "Function", metadata: { name, namespace: "openfaas-fn" } });
      expect(doc["spec"]).toEqual({
        name,
        image: fn.image,
        environment: fn.environment,
        labels: fn.labels,
        limits: { memory: fn.limits?.memory, cpu: "" },
        requests: { memory: fn.requests?.memory, cpu: "" },
        readOnlyRootFilesystem: fn.readonly_root_filesystem,
      });
    }
  });
});
