// The real faas-cli run as a user runs it, in a temporary copy of the project: it writes build/,
// adds to .gitignore, and `new` adds a function to stack.yml, none of which may touch the
// checkout.
import { execFile } from "node:child_process";
import { cpSync, symlinkSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { readStack } from "../../tools/stack.js";
import { scratchDir } from "../../tools/scratch.js";

export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/**
 * A temporary copy of what faas-cli reads: stack.yml, template/, each function's handler folder
 * and the configuration.copy paths, modes kept. A local node_modules is left out (faas-cli
 * would copy it as it copies the rest; it is no part of the project).
 */
export function copyProject(): string {
  const dir = scratchDir("faas-cli-");
  const stack = readStack(join(ROOT, "stack.yml"));
  const paths = ["stack.yml", "template", ...Object.values(stack.functions).map((fn) => fn.handler), ...(stack.configuration?.copy ?? [])];
  for (const path of paths) cpSync(resolve(ROOT, path), resolve(dir, path), { recursive: true, filter: (source) => basename(source) !== "node_modules" });
  return dir;
}

/** The template stack.yml's functions are written in (one for all of them). */
export function templateName(): string {
  const langs = new Set(Object.values(readStack(join(ROOT, "stack.yml")).functions).map((fn) => fn.lang));
  if (langs.size !== 1) throw new Error(`stack.yml's functions use ${[...langs].join(", ")}: one template expected`);
  return [...langs][0]!;
}

/** A folder holding `faas-cli` (a link to `program`), to put first on PATH for commands run by a shell. */
export function faasCliOnPath(program: string): string {
  const dir = scratchDir("faas-cli-bin-");
  symlinkSync(program, join(dir, "faas-cli"));
  return dir;
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * This process's environment as a developer's shell has it: without CI, which makes faas-cli lay
 * out build contexts with open folders (0777 less the umask) instead of 0700.
 */
export function userEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env["CI"];
  return env;
}

/**
 * Runs a program (or `bash -c`), by default in userEnv(), resolving with its exit code and
 * output, never rejecting on a non-zero exit.
 */
export function run(program: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((done, fail) => {
    execFile(program, args, { cwd: options.cwd, env: options.env ?? userEnv(), maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      if (code === null) fail(new Error(`${program} ${args.join(" ")}: ${error!.message}\n${stderr}`));
      else done({ code, stdout, stderr });
    });
  });
}

/**
 * faas-cli's output without the notice it prints on every run without a `faas-cli login`
 * ("Failed to lookup auth config": it looks for ~/.openfaas/config.yml), which is harmless.
 */
export const withoutNotice = (output: string): string =>
  output
    .split("\n")
    .filter((line) => !/^Failed to lookup auth config: /.test(line))
    .join("\n");

/** Lines of output other than that notice: on stderr, anything is a failure. */
export const otherLines = (output: string): string[] => withoutNotice(output).split("\n").filter((line) => line !== "");
