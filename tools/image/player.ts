// Plays a context's Dockerfile for this machine's platform, each stage in a folder standing for
// its filesystem: WORKDIR, ENV, COPY (with .dockerignore and the folder modes COPY gives) and
// RUN are carried out, CMD is recorded; the rest (FROM images, USER, HEALTHCHECK) needs Docker.
import { spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, posix, relative, sep } from "node:path";
import ignore from "ignore";
import { expandArgs, globalArgs, hostPlatformArgs, neededStages, parseCmd, parseDockerfile, parseEnv } from "./dockerfile.js";

export interface Image {
  /** The last stage's WORKDIR, where the function's process starts. */
  readonly dir: string;
  /** The last stage's ENV, as the watchdog and the function see it. */
  readonly env: Readonly<Record<string, string>>;
  /** The last stage's CMD (exec form), run in `dir`. */
  readonly cmd: readonly string[];
}

/**
 * The context's .dockerignore as Docker reads it, with the ignore package's matcher: a pattern
 * is anchored at the context's root unless it starts with **, so each is given to it anchored.
 */
function dockerignore(context: string): (path: string) => boolean {
  const file = join(context, ".dockerignore");
  const patterns = existsSync(file) ? readFileSync(file, "utf8").split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith("#")) : [];
  const matcher = ignore().add(
    patterns.map((pattern) => {
      const negated = pattern.startsWith("!");
      const path = (negated ? pattern.slice(1) : pattern).replace(/^(\.?\/)+/, "");
      return `${negated ? "!" : ""}${path.startsWith("**/") ? "" : "/"}${path}`;
    }),
  );
  return (path) => path !== "" && matcher.ignores(path.split(sep).join("/"));
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
  const ignored = dockerignore(context);
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
