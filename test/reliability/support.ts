// Shared helpers for the reliability tests: functions started as stack.yml deploys them, a raw
// HTTP client that sends exactly what it is given (any method, headers and bytes), the checks
// every answer must pass, and process memory as the kernel reports it.
import { readFileSync } from "node:fs";
import { Agent, request, type IncomingHttpHeaders } from "node:http";
import { expect, inject } from "vitest";
import { readStack } from "../../tools/stack.js";
import { startFunction, type RunningFunction, type StartOptions } from "../../tools/run.js";

export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

export type FunctionName = "generador" | "validador";

/** The function's environment in stack.yml (MAX_BODY_SIZE, timeouts), as faas-cli deploys it. */
export function stackEnv(name: FunctionName): Record<string, string> {
  return { ...readStack(`${ROOT}/stack.yml`).functions[name]?.environment };
}

/** Starts a function from its built image with its stack.yml environment, plus `options.env`. */
export function startDeployed(name: FunctionName, options: StartOptions = {}): Promise<RunningFunction> {
  const image = inject("images")[name];
  if (!image) throw new Error(`no image for ${name}: is it in IMAGES?`);
  return startFunction(image, { ...options, env: { ...stackEnv(name), ...options.env } });
}

export interface Call {
  readonly method?: string;
  /** Path and query, e.g. "/?count=3". */
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

export interface Answer {
  readonly status: number;
  /** The status line's reason phrase, e.g. "Request Header Fields Too Large". */
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** From the request being sent to the last byte of the answer. */
  readonly ms: number;
  /** Bytes sent and received, for the time bound. */
  readonly bytes: number;
}

/** The longest a request may take: 2 s, plus 1 s per MB sent and received. */
export const timeBound = (bytes: number): number => 2000 + bytes / 1000;

/** Longer than any bound: a request still unanswered then has hung. */
const HANG_MS = 60_000;

/**
 * Sends one request exactly as given (no content type unless one is given) over a keep-alive
 * agent, and reads the whole answer.
 */
export function send(base: string, call: Call, agent?: Agent): Promise<Answer> {
  const body = typeof call.body === "string" ? Buffer.from(call.body) : (call.body ?? Buffer.alloc(0));
  const headers: Record<string, string> = { ...call.headers };
  if (call.body !== undefined && !Object.keys(headers).some((name) => /^(content-length|transfer-encoding)$/i.test(name))) {
    headers["content-length"] = String(body.length);
  }
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${base}${call.path ?? "/"}`, { method: call.method ?? "GET", headers, agent, timeout: HANG_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", headers: res.headers, body: text.toString("utf8"), ms: performance.now() - started, bytes: body.length + text.length });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${HANG_MS} ms: ${call.method ?? "GET"} ${call.path ?? "/"}`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** Text that would betray internals: stack frames, file paths of the image or the repository. */
export function leaks(text: string, paths: readonly string[] = []): string | undefined {
  const patterns: readonly [string, RegExp][] = [
    ["a stack frame", /\n\s+at \S|\bat (?:async )?\S+ \(\S+:\d+:\d+\)/],
    ["a node internal", /node:internal|node_modules/],
    ["an image path", /\/home\/app\//],
  ];
  for (const [what, pattern] of patterns) if (pattern.test(text)) return what;
  for (const path of [ROOT, ...paths]) if (text.includes(path)) return `the path ${path}`;
  return undefined;
}

/**
 * What every answer must be: a 2xx, or a 4xx whose JSON (or, when asked for, text) message
 * says something; never a 5xx; nosniff; nothing internal; in time for its size. An answer to
 * HEAD has no body, so no message.
 */
export function expectSound(answer: Answer, what: string, method = "GET"): void {
  const context = `${what} → ${answer.status} ${answer.body.slice(0, 300)}`;
  expect(answer.status >= 200 && answer.status < 300 || answer.status >= 400 && answer.status < 500, context).toBe(true);
  expect(answer.headers["x-content-type-options"], context).toBe("nosniff");
  expect(String(answer.headers["content-type"] ?? ""), context).not.toMatch(/html/i);
  expect(leaks(answer.body), context).toBeUndefined();
  expect(answer.ms, `${context} took ${answer.ms.toFixed(0)} ms`).toBeLessThan(timeBound(answer.bytes));
  // Headers over Node's limit may be refused before their method is known (it might be HEAD,
  // whose answer has no body): then the status line alone names the problem.
  const bare = answer.status === 431 && answer.body === "" && answer.statusText === "Request Header Fields Too Large";
  if (answer.status >= 400 && method !== "HEAD" && !bare) {
    const type = String(answer.headers["content-type"]);
    const message = type.startsWith("application/json") ? (JSON.parse(answer.body) as { error?: unknown }).error : answer.body.trim();
    expect(typeof message === "string" && message.length >= 10, `${context}: a message that names the problem`).toBe(true);
  }
}

/** Resident memory of a process in MB, as the kernel counts it (what a memory limit counts). */
export function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) / 1024;
}

/** The flag that turns Node's permission model on: experimental up to 22.12, stable since. */
export function permissionFlag(version = process.versions.node): string {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 13) ? "--permission" : "--experimental-permission";
}
