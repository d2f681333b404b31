// A local stand-in for the OpenFaaS gateway, for `npm start`: the routes users and faas-cli
// call, answered in the shapes faas-cli sends and reads (its proxy/invoke.go, list.go,
// describe.go, namespaces.go, version.go; faas-provider's FunctionStatus), async calls as the gateway and
// nats-queue-worker make them.
//
// Where it differs from the real gateway:
// - no auth: /system/* answers without basic auth, so `faas-cli login` is not needed;
// - one namespace (openfaas-fn), one replica per function, no scaling; nothing can be deployed,
//   scaled or removed through it (405): npm start runs what stack.yml lists;
// - no watchdog in front of the functions: no exec_timeout, no /_/health; a function counts as
//   ready (availableReplicas 1) once it has written its lock file, the watchdog's own test;
// - async calls wait in a bounded in-memory queue (queue.ts), run one at a time as the queue
//   worker's default max_inflight does, and are lost when npm start stops; past the queue's cap
//   a call is refused with 429; a failed callback is logged and not retried;
// - invocationCount counts the calls the functions answered through it since it started.
import { randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { createQueue, type QueueLimits } from "./queue.js";
import type { StackFunction } from "./stack.js";

export const NAMESPACE = "openfaas-fn";

export interface Upstream {
  /** The port its server listens on; 0 while it is not running. */
  readonly port: number;
  /** Ready for traffic: it has written its lock file, what the watchdog's /_/health checks. */
  readonly alive: () => boolean;
  /** What stack.yml says of it; /system/* shows the rest of its status without it. */
  readonly stack?: StackFunction;
  /** The process the image runs (its fprocess). */
  readonly envProcess?: string;
  /** When its process was started. */
  readonly startedAt?: Date;
}

export interface GatewayOptions {
  readonly queue?: Partial<QueueLimits>;
  /** Longest an async call may take; the watchdog's exec_timeout would end it in a cluster. */
  readonly callTimeoutMs?: number;
  /** Longest the callback URL may take to answer. */
  readonly callbackTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** faas-provider's FunctionStatus (types/model.go): the fields faas-cli list and describe read. */
export interface FunctionStatus {
  readonly name: string;
  readonly image: string;
  readonly namespace: string;
  readonly envProcess: string;
  readonly envVars: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly limits?: { readonly memory: string };
  readonly requests?: { readonly memory: string };
  readonly readOnlyRootFilesystem: boolean;
  readonly invocationCount: number;
  readonly replicas: number;
  readonly availableReplicas: number;
  readonly createdAt?: string;
}

/**
 * /system/info in the gateway's shape (faas's GatewayInfo), which `faas-cli version` reads (it
 * needs both version objects). This gateway has no release of its own: empty versions.
 */
export const SYSTEM_INFO = {
  provider: { provider: "npm start (tools/gateway.ts)", orchestration: "local", version: { release: "", sha: "" } },
  version: { release: "", sha: "" },
  arch: ({ x64: "amd64", arm64: "arm64", arm: "arm" } as Record<string, string>)[process.arch] ?? process.arch,
} as const;

export const DEFAULT_QUEUE: QueueLimits = { maxJobs: 100, maxBytes: 64 * 1024 * 1024, concurrency: 1 };

const TEXT = { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" };
// Headers that belong to one connection, never passed on (RFC 9110 7.6.1), and the length,
// which is set anew for the body actually sent.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length"]);

interface Entry {
  readonly name: string;
  readonly upstream: Upstream;
  invocations: number;
}

interface AsyncCall {
  readonly fn: Entry;
  readonly callId: string;
  readonly method: string;
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
  readonly callback: URL | undefined;
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export function createGateway(functions: ReadonlyMap<string, Upstream>, options: GatewayOptions = {}): Server {
  const entries = new Map([...functions].map(([name, upstream]): [string, Entry] => [name, { name, upstream, invocations: 0 }]));
  const limits: QueueLimits = { ...DEFAULT_QUEUE, ...options.queue };
  const log = options.log ?? ((line: string) => console.log(line));
  const queue = createQueue(limits, (error) => log(`async: ${(error as Error).message}`));
  const callTimeoutMs = options.callTimeoutMs ?? 60_000;
  const callbackTimeoutMs = options.callbackTimeoutMs ?? 10_000;
  const names = [...entries.keys()].join(", ");

  function status(fn: Entry): FunctionStatus {
    const { stack, startedAt } = fn.upstream;
    return {
      name: fn.name,
      image: stack?.image ?? "",
      namespace: NAMESPACE,
      envProcess: fn.upstream.envProcess ?? "",
      envVars: strings(stack?.environment),
      // Left out when empty, as Go's omitempty does: faas-cli describe prints a heading for each.
      ...(stack?.labels ? { labels: strings(stack.labels) } : {}),
      ...(stack?.annotations ? { annotations: strings(stack.annotations) } : {}),
      ...(stack?.limits?.memory ? { limits: { memory: stack.limits.memory } } : {}),
      ...(stack?.requests?.memory ? { requests: { memory: stack.requests.memory } } : {}),
      readOnlyRootFilesystem: stack?.readonly_root_filesystem === true,
      invocationCount: fn.invocations,
      replicas: 1,
      availableReplicas: fn.upstream.port && fn.upstream.alive() ? 1 : 0,
      ...(startedAt ? { createdAt: startedAt.toISOString() } : {}),
    };
  }

  /** `<name>` or `<name>.<namespace>`, as the gateway splits it (at the last dot). */
  function lookUp(res: ServerResponse, target: string): Entry | undefined {
    const dot = target.lastIndexOf(".");
    const [name, namespace] = dot < 0 ? [target, NAMESPACE] : [target.slice(0, dot), target.slice(dot + 1)];
    const fn = namespace === NAMESPACE ? entries.get(name) : undefined;
    if (fn) return fn;
    const why = namespace === NAMESPACE ? `this gateway has ${names}` : `this gateway has namespace ${NAMESPACE} only`;
    text(res, 404, `function not found: ${quote(target)} (${why})`);
    return undefined;
  }

  /** The namespace a /system route was asked about, or undefined once it has answered 404. */
  function namespaceOf(res: ServerResponse, url: URL): string | undefined {
    const namespace = url.searchParams.get("namespace") || NAMESPACE;
    if (namespace === NAMESPACE) return namespace;
    text(res, 404, `namespace not found: ${quote(namespace)} (this gateway has ${NAMESPACE} only)`);
    return undefined;
  }

  function proxy(req: IncomingMessage, res: ServerResponse, fn: Entry, path: string): void {
    if (!fn.upstream.port) {
      req.resume();
      return text(res, 503, `function ${fn.name} is not running`);
    }
    const callId = randomUUID();
    const started = performance.now();
    const upstream = httpRequest(
      { host: "127.0.0.1", port: fn.upstream.port, method: req.method, path, headers: { ...req.headers, "x-call-id": callId } },
      (answer) => {
        fn.invocations++;
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, "x-call-id": callId, "x-duration-seconds": seconds(started) });
        answer.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      if (res.headersSent) return void res.destroy();
      text(res, 502, `function ${fn.name} cannot be reached: ${error.message}`);
    });
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  function enqueue(req: IncomingMessage, res: ServerResponse, fn: Entry, path: string): void {
    const header = req.headers["x-callback-url"];
    let callback: URL | undefined;
    if (header !== undefined) {
      callback = URL.canParse(String(header)) ? new URL(String(header)) : undefined;
      if (!callback || (callback.protocol !== "http:" && callback.protocol !== "https:")) {
        return void req.resume().on("end", () => text(res, 400, `X-Callback-Url must be an http:// or https:// URL, got ${quote(String(header))}`));
      }
    }
    // The body is held until the call runs. One the queue cannot take (it is full of calls, or the
    // body is larger than the queue holds) is read and dropped, never held, then refused.
    const declared = Number(req.headers["content-length"] ?? 0);
    let keep = queue.state().jobs < limits.maxJobs && declared <= limits.maxBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      keep &&= size <= limits.maxBytes;
      if (keep) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on("error", () => res.destroy());
    req.on("end", () => {
      if (size > limits.maxBytes) {
        return text(res, 413, `the body (${size} bytes) is larger than the async queue holds (${limits.maxBytes} bytes): call /function/${fn.name} instead`);
      }
      const callId = randomUUID();
      const headers: OutgoingHttpHeaders = { ...passOn(req.headers), "x-call-id": callId, "content-length": size };
      const accepted = keep && queue.offer(size, () => runAsync({ fn, callId, method: req.method ?? "POST", path, headers, body: Buffer.concat(chunks, size), callback }));
      if (!accepted) {
        const held = queue.state();
        res.setHeader("Retry-After", "1");
        return text(res, 429, `the async queue is full (${held.jobs} calls and ${held.bytes} bytes held; at most ${limits.maxJobs} calls and ${limits.maxBytes} bytes): try again later`);
      }
      res.writeHead(202, { "X-Call-Id": callId, "X-Content-Type-Options": "nosniff", "Content-Length": 0 }).end();
    });
  }

  async function runAsync(call: AsyncCall): Promise<void> {
    const { fn, callId } = call;
    const started = performance.now();
    const answer = await callFunction(call).catch((error: Error): Answer => {
      log(`async ${fn.name} ${callId}: ${error.message}`);
      return { status: error.name === "TimeoutError" ? 504 : 503, headers: {}, body: Buffer.alloc(0) };
    });
    const duration = seconds(started);
    log(`async ${fn.name} ${callId}: ${answer.status}, ${answer.body.length} bytes in ${duration}s`);
    if (!call.callback) return;
    const headers: OutgoingHttpHeaders = {
      "x-duration-seconds": duration,
      ...passOn(answer.headers),
      "x-function-status": String(answer.status),
      "x-function-name": fn.name,
      "x-call-id": callId,
      "content-length": answer.body.length,
    };
    try {
      const got = await send(call.callback, "POST", headers, answer.body, callbackTimeoutMs);
      log(`async ${fn.name} ${callId}: callback ${call.callback.href} answered ${got.status}`);
    } catch (error) {
      log(`async ${fn.name} ${callId}: callback ${call.callback.href} failed (${(error as Error).message}); not retried`);
    }
  }

  async function callFunction(call: AsyncCall): Promise<Answer> {
    if (!call.fn.upstream.port) throw new Error(`function ${call.fn.name} is not running`);
    const target = new URL(call.path, `http://127.0.0.1:${call.fn.upstream.port}`);
    const answer = await send(target, call.method, call.headers, call.body, callTimeoutMs);
    call.fn.invocations++;
    return answer;
  }

  return createServer((req, res) => {
    // Parsed as a path, never as a URL of its own: "//host/x" stays a path.
    const url = new URL(`http://gateway${req.url?.startsWith("/") ? req.url : "/"}`);
    const route = /^\/(function|async-function)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (route) {
      const fn = lookUp(res, route[2]!);
      if (!fn) return void req.resume();
      const path = `${route[3] ?? "/"}${url.search}`;
      return route[1] === "function" ? proxy(req, res, fn, path) : enqueue(req, res, fn, path);
    }
    req.resume();
    if (url.pathname === "/healthz") {
      const up = [...entries.values()].every((fn) => fn.upstream.port && fn.upstream.alive());
      return text(res, up ? 200 : 503, up ? "OK" : "a function is not ready");
    }
    const system = /^\/system\/(functions|function\/([^/]+)|namespaces|info)$/.exec(url.pathname);
    if (system) {
      if (req.method !== "GET") {
        res.setHeader("Allow", "GET");
        return text(res, 405, `${req.method} ${url.pathname}: this gateway only serves the functions npm start runs from stack.yml; it cannot deploy, scale or remove them`);
      }
      if (system[1] === "namespaces") return json(res, [NAMESPACE]);
      if (system[1] === "info") return json(res, SYSTEM_INFO);
      if (!namespaceOf(res, url)) return;
      if (system[1] === "functions") return json(res, [...entries.values()].map(status));
      const fn = entries.get(system[2]!);
      return fn ? json(res, status(fn)) : text(res, 404, `function not found: ${quote(system[2]!)} (this gateway has ${names})`);
    }
    text(
      res,
      404,
      [
        `no route for ${req.method} ${quote(url.pathname)}. This gateway (npm start) answers:`,
        `  /function/<name>[.${NAMESPACE}][/path][?query]        calls the function`,
        `  /async-function/<name>[.${NAMESPACE}][/path][?query]  202 at once, calls it in the background; X-Callback-Url gets the answer`,
        `  GET /system/functions, GET /system/function/<name>, GET /system/namespaces, GET /system/info`,
        `  GET /healthz`,
        `functions: ${names}`,
      ].join("\n"),
    );
  });
}

/** Sends a request with its whole body and reads the whole answer, within `timeoutMs`. */
function send(url: URL, method: string, headers: OutgoingHttpHeaders, body: Buffer, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(error.name === "AbortError" ? Object.assign(new Error(`no answer within ${timeoutMs}ms`), { name: "TimeoutError" }) : error);
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    const outgoing = request(url, { method, headers, signal: AbortSignal.timeout(timeoutMs) }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => chunks.push(chunk));
      answer.on("error", fail);
      answer.on("end", () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
    });
    outgoing.on("error", fail);
    outgoing.end(body);
  });
}

function passOn(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name, value]) => value !== undefined && !HOP_BY_HOP.has(name)));
}

function strings(values: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([key, value]) => [key, String(value)]));
}

/** Seconds as Go's %f writes them, as the gateway and the queue worker send X-Duration-Seconds. */
function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(6);
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
}

function text(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, TEXT).end(`${message}\n`);
}

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { "Content-Type": "application/json", "X-Content-Type-Options": "nosniff" }).end(JSON.stringify(value));
}
