// Builds a function as `faas-cli build` would, without Docker. First the build context is laid
// out exactly as `faas-cli build --shrinkwrap` writes it; then the template's Dockerfile is
// played stage by stage, each stage in a folder standing for its filesystem: WORKDIR, ENV, COPY
// and RUN are carried out, CMD is recorded, the rest (FROM images, USER, HEALTHCHECK) only needs
// Docker.
// As BuildKit does, only the stages the last one needs are played, with FROM lines resolved for
// this machine's platform: a stage that only another platform's image starts from (arm/v7's
// runtime, whose RUN installs Alpine packages) is never run here.
// The last stage's working directory, environment and command are what the image would run.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, posix, relative, resolve, sep } from "node:path";
import type { StackFunction } from "./stack.js";

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

export interface Stage {
  readonly name: string;
  /** What FROM names (an image or an earlier stage), without --platform and AS, unexpanded. */
  readonly from: string;
  readonly instructions: readonly Instruction[];
}

export interface Image {
  /** The last stage's WORKDIR, where the function's process starts. */
  readonly dir: string;
  /** The last stage's ENV, as the watchdog and the function see it. */
  readonly env: Readonly<Record<string, string>>;
  /** The last stage's CMD (exec form), run in `dir`. */
  readonly cmd: readonly string[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: { name: string; from: string; instructions: Instruction[] }[] = [];
  const lines = text.replace(/\\\r?\n/g, " ").split(/\r?\n/);
  for (const line of lines) {
    const match = /^\s*([A-Za-z]+)\s+(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith("#")) continue;
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!;
    if (keyword === "FROM") {
      const alias = /\sAS\s+(\S+)$/i.exec(args)?.[1];
      const from = args.split(/\s+/).find((word) => !word.startsWith("--"))!;
      stages.push({ name: alias ?? String(stages.length), from, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** The ARGs declared before the first FROM, with their defaults ("" when none). */
export function globalArgs(text: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*FROM\s/i.test(line)) break;
    const match = /^\s*ARG\s+(\w+)(?:=(\S*))?\s*$/i.exec(line);
    if (match) args[match[1]!] = match[2] ?? "";
  }
  return args;
}

/** $X, ${X}, ${X:-default} and ${X:+alternative}, as builders expand FROM lines. */
export function expandArgs(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)(?::([-+])([^}]*))?\}|\$(\w+)/g, (_all, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const value = vars[braced ?? bare!] ?? "";
    if (op === "-") return value === "" ? word! : value;
    if (op === "+") return value === "" ? "" : word!;
    return value;
  });
}

/** The platform variables FROM lines see when building for this machine (BuildKit's names). */
export function hostPlatformArgs(arch: string = process.arch): Record<string, string> {
  const [targetArch, variant] = arch === "x64" ? ["amd64", ""] : arch === "arm" ? ["arm", "v7"] : [arch, ""];
  const platform = `linux/${targetArch}${variant ? `/${variant}` : ""}`;
  return { BUILDPLATFORM: platform, TARGETPLATFORM: platform, TARGETOS: "linux", TARGETARCH: targetArch!, TARGETVARIANT: variant! };
}

/**
 * The stages a build of the last stage needs, in file order: the last, the stage each needed one
 * starts FROM (resolved with `vars`) and every stage a needed one copies --from.
 */
export function neededStages(stages: readonly Stage[], vars: Readonly<Record<string, string>>): Stage[] {
  const byName = new Map(stages.map((stage) => [stage.name, stage]));
  const needed = new Set<Stage>();
  const visit = (stage: Stage | undefined): void => {
    if (!stage || needed.has(stage)) return;
    needed.add(stage);
    visit(byName.get(expandArgs(stage.from, vars)));
    for (const { keyword, args } of stage.instructions) {
      const from = keyword === "COPY" ? /--from=(\S+)/.exec(args)?.[1] : undefined;
      if (from !== undefined) visit(byName.get(expandArgs(from, vars)));
    }
  };
  visit(stages.at(-1));
  return stages.filter((stage) => needed.has(stage));
}

/** ENV a=1 b="two words" (and the legacy ENV a value). */
export function parseEnv(args: string): Record<string, string> {
  if (!/^\w+=/.test(args)) {
    const [name, ...value] = args.split(/\s+/);
    return { [name!]: value.join(" ") };
  }
  const env: Record<string, string> = {};
  for (const match of args.matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g)) {
    env[match[1]!] = match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : match[3]!;
  }
  return env;
}

/** CMD ["a", "b"] (the exec form; the shell form runs under /bin/sh -c, as Docker runs it). */
export function parseCmd(args: string): string[] {
  if (!args.trimStart().startsWith("[")) return ["/bin/sh", "-c", args];
  const words: unknown = JSON.parse(args);
  if (!Array.isArray(words) || !words.every((word): word is string => typeof word === "string")) throw new Error(`CMD ${args}: not a list of strings`);
  return words;
}

/**
 * Lays out build/<name>/ as `faas-cli build --shrinkwrap` does (or <buildDir>/<name>/, to keep
 * a real OCI build's contexts apart from the played ones); returns its path. As on a developer's
 * machine, unless `options.ci`: as faas-cli does when CI is "true" or "1".
 */
export function layoutContext(root: string, name: string, fn: StackFunction, copy: readonly string[] = [], buildDir = join(root, "build"), options: { ci?: boolean } = {}): string {
  const context = join(buildDir, name);
  const functionDir = join(context, "function");
  rmSync(context, { recursive: true, force: true });
  // faas-cli makes build/<name>/ and its function/ 0700, or 0777 less the umask when CI is set
  // (its go-sdk builder); what it copies into them keeps its source's modes (as cpSync does).
  // COPY keeps those modes, so the image must not depend on them: by default the stricter 0700,
  // also in CI. (faas-cli would make a new build/ so too; ours stays traversable, as the played
  // stages beside the contexts are run as the image's user.)
  mkdirSync(buildDir, { recursive: true });
  mkdirSync(functionDir, { recursive: true, mode: options.ci ? 0o777 : 0o700 });
  cpSync(join(root, "template", fn.lang), context, { recursive: true });
  // The handler is laid over the template's function/ scaffold; its build/ and template/ are skipped.
  const handlerDir = resolve(root, fn.handler);
  for (const entry of readdirSync(handlerDir)) {
    if (entry === "build" || entry === "template") continue;
    cpSync(join(handlerDir, entry), join(functionDir, entry), { recursive: true });
  }
  for (const path of copy) {
    const source = resolve(root, path);
    if (source !== root && !source.startsWith(root + sep)) {
      throw new Error(`configuration.copy path ${path} is outside the project`);
    }
    cpSync(source, join(functionDir, relative(root, source)), { recursive: true });
  }
  return context;
}

function ignoredBy(patterns: readonly string[]): (path: string) => boolean {
  return (path) => {
    const parts = path.split(sep);
    return patterns.some((pattern) =>
      pattern.startsWith("**/") ? parts.includes(pattern.slice(3)) : path === pattern || path.startsWith(pattern + sep),
    );
  };
}

/** Sources of a COPY, with a * in the last path segment expanded. */
function expandSources(from: string, source: string): string[] {
  const path = join(from, source);
  if (!basename(source).includes("*")) return existsSync(path) ? [path] : [];
  const pattern = new RegExp(`^${basename(source).split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  const dir = dirname(path);
  return existsSync(dir) ? readdirSync(dir).filter((entry) => pattern.test(entry)).map((entry) => join(dir, entry)) : [];
}

function run(command: string, cwd: string, env: Record<string, string>): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn("sh", ["-c", command], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.on("error", fail);
    child.on("close", (code) => {
      if (code === 0) done();
      else fail(new Error(`RUN ${command} exited with ${code} in ${cwd}:\n${output.slice(-4000)}`));
    });
  });
}

/**
 * COPY gives every folder it copies its source's mode, also one an earlier step made (cpSync
 * leaves an existing folder as it was): `COPY function/package*.json ./function/` makes
 * function/ 0755, and `COPY . .` then makes it the context's 0700.
 */
function copyFolderModes(source: string, to: string, filter: (path: string) => boolean): void {
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    if (!entry.isDirectory() || !filter(from)) continue;
    chmodSync(join(to, entry.name), statSync(from).mode & 0o7777);
    copyFolderModes(from, join(to, entry.name), filter);
  }
}

/**
 * Plays the context's Dockerfile into build/<name>.stages/<stage>/ folders, for this machine's
 * platform; `buildArgs` as --build-arg gives them (NODE_LINE=22).
 */
export async function buildImage(context: string, log: (line: string) => void = () => {}, buildArgs: Readonly<Record<string, string>> = {}): Promise<Image> {
  const text = readFileSync(join(context, "Dockerfile"), "utf8");
  const all = parseDockerfile(text);
  const vars = { ...globalArgs(text), ...hostPlatformArgs(), ...buildArgs };
  const stages = neededStages(all, vars);
  for (const stage of all) if (!stages.includes(stage)) log(`skipped stage ${stage.name} (not needed for ${vars["TARGETPLATFORM"]})`);
  const dockerignore = join(context, ".dockerignore");
  const ignored = ignoredBy(existsSync(dockerignore) ? readFileSync(dockerignore, "utf8").split(/\r?\n/).filter((l) => l && !l.startsWith("#")) : []);
  const stagesDir = `${context.replace(/[/\\]$/, "")}.stages`;
  rmSync(stagesDir, { recursive: true, force: true });

  let image: Image | undefined;
  const played = new Map<string, Image & { workdir: string }>();
  for (const stage of stages) {
    const root = join(stagesDir, stage.name);
    // A stage FROM an earlier one starts from its files, environment and working directory.
    const base = played.get(expandArgs(stage.from, vars));
    const env: Record<string, string> = { ...base?.env };
    let cmd = base?.cmd ?? [];
    let workdir = base?.workdir ?? "/";
    if (base) cpSync(join(stagesDir, expandArgs(stage.from, vars)), root, { recursive: true, verbatimSymlinks: true });
    mkdirSync(root, { recursive: true });
    for (const { keyword, args } of stage.instructions) {
      const cwd = join(root, workdir);
      if (keyword === "ENV") Object.assign(env, parseEnv(args));
      if (keyword === "CMD") cmd = parseCmd(args);
      if (keyword === "WORKDIR") {
        workdir = posix.resolve(workdir, args);
        mkdirSync(join(root, workdir), { recursive: true });
      }
      if (keyword === "RUN") {
        log(`${stage.name}: RUN ${args}`);
        await run(args, cwd, env);
      }
      if (keyword === "COPY") {
        const words = args.split(/\s+/);
        const fromStage = words.find((word) => word.startsWith("--from="))?.slice("--from=".length);
        const [dest, ...sources] = words.filter((word) => !word.startsWith("--")).reverse();
        const fromRoot = fromStage === undefined ? context : join(stagesDir, fromStage);
        if (fromStage !== undefined && !stages.some((s) => s.name === fromStage && s.instructions.length > 0)) {
          log(`${stage.name}: skipped COPY ${args} (stage ${fromStage} is a published image)`);
          continue;
        }
        const target = join(cwd, dest!);
        const intoDir = dest!.endsWith("/") || dest === "." || sources.length > 1;
        for (const source of sources.reverse().flatMap((s) => expandSources(fromRoot, s))) {
          const isDir = statSync(source).isDirectory();
          const to = isDir || !intoDir ? target : join(target, basename(source));
          const filter = (path: string) => fromStage !== undefined || !ignored(relative(context, path));
          cpSync(source, to, { recursive: true, verbatimSymlinks: true, filter });
          if (isDir) copyFolderModes(source, to, filter);
        }
      }
    }
    image = { dir: join(root, workdir), env, cmd };
    played.set(stage.name, { ...image, workdir });
  }
  if (!image) throw new Error(`${context}/Dockerfile has no stages`);
  return image;
}

/** A digest of every file a function's image is built from. */
function inputsDigest(paths: readonly string[]): string {
  const hash = createHash("sha256");
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const files = statSync(path).isDirectory()
      ? readdirSync(path, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort()
      : [path];
    // Modes too: they reach the image (COPY keeps them).
    for (const file of files) hash.update(`${file}\0${statSync(file).mode}\0`).update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/** Lays out and builds a function unless its last build came from the same files. */
export async function ensureImage(root: string, name: string, fn: StackFunction, copy: readonly string[] = [], log?: (line: string) => void): Promise<Image> {
  // This file too: how the context is laid out and the stages played is part of the build.
  const player = join(root, "tools", "image.ts");
  // And the Node.js that runs the build's RUN steps (CI builds on Node 24 after Node 20).
  const digest = `${process.version}:${inputsDigest([player, join(root, "template", fn.lang), resolve(root, fn.handler), ...copy.map((path) => resolve(root, path))])}`;
  const stamp = join(root, "build", `${name}.stages`, "inputs.json");
  if (existsSync(stamp)) {
    const built = JSON.parse(readFileSync(stamp, "utf8")) as { digest: string; image: Image };
    if (built.digest === digest && existsSync(built.image.dir)) return built.image;
  }
  log?.(`building ${name} (${fn.lang}, ${fn.handler})`);
  const image = await buildImage(layoutContext(root, name, fn, copy), log);
  writeFileSync(stamp, JSON.stringify({ digest, image }));
  return image;
}
