// Starts a built function as its image runs it: the image's CMD, which runs the real of-watchdog
// (`fwatchdog`, found on PATH as in the image) with the image's environment; the watchdog then
// starts the function's fprocess itself and proxies every request to it. Each run gets its own
// ports (the watchdog's, its metrics', the function's) and its own temp dir (TMPDIR, where the
// lock file goes), and runs as the image's user when the caller is root, as in the container.
import { spawn } from "node:child_process";
import { chmodSync, chownSync, symlinkSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import type { Image } from "./image.js";
import { childrenOf, killQuietly } from "./proc.js";
import { asImageUser, freePort, IMAGE_USER, runnableDir, trackStarted, type RunningFunction, type StartOptions } from "./run.js";
import { scratchDir } from "./scratch.js";

export interface WatchedFunction extends RunningFunction {
  /** The function's own server, behind the watchdog (the watchdog's upstream_url). */
  readonly upstreamPort: number;
  /** The function's process id (the watchdog's child), or undefined once it has gone. */
  readonly functionPid: () => number | undefined;
  /** Resolves once /_/health answers 200 (the lock file exists); rejects after `ms`. */
  readonly healthy: (ms?: number) => Promise<void>;
}

export interface WatchdogOptions extends StartOptions {
  /** Resolve as soon as the watchdog listens, rather than once it reports healthy. */
  readonly untilListening?: boolean;
}

export async function startBehindWatchdog(watchdog: string, image: Image, options: WatchdogOptions = {}): Promise<WatchedFunction> {
  const tmp = options.tmpDir ?? scratchDir("fn-");
  if (asImageUser) chownSync(tmp, IMAGE_USER.uid, IMAGE_USER.gid);
  const [port, upstreamPort, metricsPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const env: Record<string, string> = {
    // The image's command finds `fwatchdog` on PATH, and the watchdog `node` (fprocess): the
    // watchdog given, and the Node that runs this, as startFunction does.
    PATH: [watchdogDir(watchdog), dirname(process.execPath), process.env["PATH"] ?? ""].join(delimiter),
    ...image.env,
    TMPDIR: tmp,
    port: String(port),
    metrics_port: String(metricsPort),
    http_port: String(upstreamPort),
    upstream_url: `http://127.0.0.1:${upstreamPort}`,
    ...options.env,
  };
  const [command = "fwatchdog", ...args] = image.cmd;
  const child = spawn(command, args, { cwd: runnableDir(image.dir), env, stdio: ["ignore", "pipe", "pipe"], ...(asImageUser ? IMAGE_USER : {}) });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk;
    options.onOutput?.(chunk.toString());
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;

  const healthy = async (ms = options.timeoutMs ?? 15_000): Promise<void> => {
    const until = performance.now() + ms;
    for (;;) {
      if (gone) throw new Error(`the watchdog exited before it reported healthy:\n${output}`);
      const status = await fetch(`${url}/_/health`).then((res) => res.status, () => 0);
      if (status === 200) return;
      if (performance.now() > until) throw new Error(`not healthy within ${ms}ms (last /_/health: ${status || "no answer"}):\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  const fn: WatchedFunction = {
    url,
    port,
    upstreamPort,
    pid: child.pid!,
    lockFile: join(tmp, ".lock"),
    output: () => output,
    exited,
    kill: (signal = "SIGTERM") => {
      // A SIGKILL ends the function too, as a container's end ends every process in it: the
      // watchdog, killed, leaves its child running.
      if (signal === "SIGKILL") for (const pid of childrenOf(child.pid!)) killQuietly(pid);
      child.kill(signal);
    },
    functionPid: () => childrenOf(child.pid!)[0],
    healthy,
  };
  trackStarted(fn);
  try {
    if (options.untilListening) await listening(fn, options.timeoutMs ?? 15_000, () => gone);
    else await healthy();
  } catch (error) {
    fn.kill("SIGKILL");
    throw error;
  }
  return fn;
}

const watchdogDirs = new Map<string, string>();

/** A folder holding `fwatchdog`, a link to `watchdog`, as the image holds /usr/bin/fwatchdog. */
function watchdogDir(watchdog: string): string {
  let dir = watchdogDirs.get(watchdog);
  if (dir === undefined) {
    dir = scratchDir("fwatchdog-");
    chmodSync(dir, 0o755);
    symlinkSync(resolve(watchdog), join(dir, "fwatchdog"));
    watchdogDirs.set(watchdog, dir);
  }
  return dir;
}

/** Waits until the watchdog's own server accepts connections (any answer from /_/health). */
async function listening(fn: WatchedFunction, ms: number, gone: () => boolean): Promise<void> {
  const until = performance.now() + ms;
  while ((await fetch(`${fn.url}/_/health`).then(() => true, () => false)) === false) {
    if (gone()) throw new Error(`the watchdog exited before it listened:\n${fn.output()}`);
    if (performance.now() > until) throw new Error(`the watchdog did not listen within ${ms}ms:\n${fn.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
