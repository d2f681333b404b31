// podman, as the OCI tests call it: with this machine's containers.conf (tools/oci/), started
// from a scratch directory (conmon leaves a file named `oom` where podman runs after an OOM kill).
import { execFile } from "node:child_process";
import { join } from "node:path";
import { scratchDir } from "../../tools/scratch.js";

export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
export const CONTAINERS_CONF = process.env["CONTAINERS_CONF"] ?? join(ROOT, "tools/oci/containers.conf");
/** Made on first use: a test file whose suites are all skipped runs no afterAll to remove it. */
let scratch: string | undefined;

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs podman; resolves with its exit code and output (never rejects on a non-zero exit). */
export function podman(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<Result> {
  return exec("podman", args, options);
}

/** Runs a tool (buildah...) with the same settings and returns its stdout; fails on a non-zero exit. */
export async function run(tool: string, args: readonly string[]): Promise<string> {
  const result = await exec(tool, args, {});
  if (result.code !== 0) throw new Error(`${tool} ${args.join(" ")} exited with ${result.code}:\n${result.stderr.slice(-4000)}`);
  return result.stdout;
}

function exec(tool: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number }): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      args,
      { cwd: options.cwd ?? (scratch ??= scratchDir("podman-")), env: { ...process.env, CONTAINERS_CONF }, maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 300_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        if (code === null) reject(new Error(`${tool} ${args.join(" ")}: ${error!.message}\n${stderr}`));
        else resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs podman and returns its stdout, failing with its stderr when it exits non-zero. */
export async function podmanOk(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  const result = await podman(args, options);
  if (result.code !== 0) throw new Error(`podman ${args.join(" ")} exited with ${result.code}:\n${result.stderr.slice(-4000)}`);
  return result.stdout;
}
