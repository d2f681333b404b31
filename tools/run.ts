// Starts a built function the way the watchdog does: its fprocess, in the image's working
// directory, with the image's environment, and, when the caller is root, as the image's
// unprivileged user, so that a file the image's user could not read fails here as it would in
// the container. Each run gets its own temp dir (TMPDIR), so the lock file it writes once
// listening is its own.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { chmodSync, chownSync, cpSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import type { Image } from "./image.js";
import { scratchDir } from "./scratch.js";

export interface RunningFunction {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The lock file the watchdog's /_/health looks for. */
  readonly lockFile: string;
  /** Everything the process has written to stdout and stderr so far. */
  readonly output: () => string;
  /** Resolves with the exit code (or the signal) once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly kill: (signal?: NodeJS.Signals) => void;
}

export interface StartOptions {
  /** Set on top of the image's environment (stack.yml environment, test knobs). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra node flags, placed before the entry script. */
  readonly nodeArgs?: readonly string[];
  readonly timeoutMs?: number;
  /** The process's TMPDIR (where its lock file goes); a new temp dir by default. */
  readonly tmpDir?: string;
  /** Called with each piece of output as it comes, to show the function's logs live. */
  readonly onOutput?: (text: string) => void;
}

/** USER node in the Dockerfile: uid and gid 1000 in the official node images. */
export const IMAGE_USER = { uid: 1000, gid: 1000 } as const;
export const asImageUser = process.getuid?.() === 0;

interface Started {
  readonly kill: (signal: NodeJS.Signals) => void;
  readonly exited: Promise<unknown>;
}

/** The functions this process started that have not exited yet. */
const started = new Set<Started>();

/** Keeps `fn` among the started functions until it exits (startFunction, startBehindWatchdog). */
export function trackStarted(fn: Started): void {
  started.add(fn);
  void fn.exited.then(() => started.delete(fn));
}

/**
 * Ends every function this process started that still runs (SIGKILL) and waits for each to
 * exit: a test file's functions go with the file, before their temp dirs do.
 */
export async function stopStarted(): Promise<void> {
  const left = [...started];
  for (const fn of left) fn.kill("SIGKILL");
  await Promise.all(left.map((fn) => fn.exited));
}

const placed = new Map<string, string>();

/**
 * Where the image's working directory can be run from by the image's user. In the container
 * its parents (/, /home) are open to everyone; on this machine the checkout's may not be, and
 * then a copy of it, modes kept, goes where they are (once per run of the tools).
 */
export function runnableDir(dir: string): string {
  if (!asImageUser) return dir;
  const open = (path: string): boolean => path === dirname(path) || ((statSync(path).mode & 0o001) !== 0 && open(dirname(path)));
  if (open(dirname(dir))) return dir;
  let copy = placed.get(dir);
  if (!copy) {
    const parent = scratchDir("image-");
    // mkdtemp makes it 0700: open it, as /home is in the container, or the image's user cannot enter.
    chmodSync(parent, 0o755);
    copy = join(parent, "app");
    cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
    placed.set(dir, copy);
  }
  return copy;
}

export function startFunction(image: Image, options: StartOptions = {}): Promise<RunningFunction> {
  const tmp = options.tmpDir ?? scratchDir("fn-");
  // The container's /tmp is the one place its user may write.
  if (asImageUser) chownSync(tmp, IMAGE_USER.uid, IMAGE_USER.gid);
  const env: Record<string, string> = { PATH: process.env["PATH"] ?? "", ...image.env, TMPDIR: tmp, http_port: "0", ...options.env };
  const [command, ...args] = (env["fprocess"] ?? "").split(/\s+/);
  if (command !== "node") throw new Error(`fprocess must start with node, got "${env["fprocess"]}"`);
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], {
    cwd: runnableDir(image.dir),
    env,
    stdio: ["ignore", "pipe", "pipe"],
    ...(asImageUser ? IMAGE_USER : {}),
  });
  let output = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  trackStarted({ kill: (signal) => child.kill(signal), exited });
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`function did not start within ${options.timeoutMs ?? 15000}ms:\n${output}`));
    }, options.timeoutMs ?? 15000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      options.onOutput?.(chunk.toString());
      const port = /listening on [^\s]*:(\d+)/.exec(output)?.[1];
      if (port && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({
          url: `http://127.0.0.1:${port}`,
          port: Number(port),
          pid: child.pid!,
          lockFile: join(tmp, ".lock"),
          output: () => output,
          exited,
          kill: (signal = "SIGTERM") => void child.kill(signal),
        });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk;
      options.onOutput?.(chunk.toString());
    });
    void exited.then(({ code, signal }) => {
      if (settled) return;
      clearTimeout(timer);
      reject(new Error(`function exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}


/** A port nothing listens on right now, for a process that must be told its port in advance. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
