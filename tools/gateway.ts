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
// - async calls wait in a bounded in-memory queue (queue.ts, gateway/async.ts), run one at a time as the queue
//   worker's default max_inflight does, and are lost when npm start stops; past the queue's cap
//   a call is refused with 429; a failed callback is logged and not retried;
// - invocationCount counts the calls the functions answered through it since it started.
// Here: the routes. Each route's work is a file of gateway/: proxy (sync calls), async (the
// queue's intake, background calls and callbacks), system (the /system API).
import { createServer, type Server, type ServerResponse } from "node:http";
import { createAsyncIntake } from "./gateway/async.js";
import { isReady, NAMESPACE, type Entry, type Upstream } from "./gateway/functions.js";
import { proxy } from "./gateway/proxy.js";
import { quote, text } from "./gateway/replies.js";
import { answerSystem } from "./gateway/system.js";
import type { QueueLimits } from "./queue.js";

export type { Upstream } from "./gateway/functions.js";

export interface GatewayOptions {
  readonly queue?: Partial<QueueLimits>;
  /** Longest an async call may take; the watchdog's exec_timeout would end it in a cluster. */
  readonly callTimeoutMs?: number;
  /** Longest the callback URL may take to answer. */
  readonly callbackTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export const DEFAULT_QUEUE: QueueLimits = { maxJobs: 100, maxBytes: 64 * 1024 * 1024, concurrency: 1 };

export function createGateway(functions: ReadonlyMap<string, Upstream>, options: GatewayOptions = {}): Server {
  const entries = new Map([...functions].map(([name, upstream]): [string, Entry] => [name, { name, upstream, invocations: 0 }]));
  const names = [...entries.keys()].join(", ");
  const enqueue = createAsyncIntake({
    limits: { ...DEFAULT_QUEUE, ...options.queue },
    callTimeoutMs: options.callTimeoutMs ?? 60_000,
    callbackTimeoutMs: options.callbackTimeoutMs ?? 10_000,
    log: options.log ?? ((line: string) => console.log(line)),
  });

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
      const up = [...entries.values()].every(isReady);
      return text(res, up ? 200 : 503, up ? "OK" : "a function is not ready");
    }
    if (answerSystem(req, res, url, entries)) return;
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
