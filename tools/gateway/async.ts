// /async-function/<name>: the intake answers 202 at once, the call waits in the bounded queue
// (../queue.ts) and runs in the background, and its answer is POSTed to X-Callback-Url with the
// headers the gateway and nats-queue-worker add. A failed callback is logged, never retried.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { createQueue, type QueueLimits } from "../queue.js";
import { passOn, send, type Answer } from "./client.js";
import type { Entry } from "./functions.js";
import { quote, seconds, text } from "./replies.js";

export interface AsyncOptions {
  readonly limits: QueueLimits;
  /** Longest an async call may take; the watchdog's exec_timeout would end it in a cluster. */
  readonly callTimeoutMs: number;
  /** Longest the callback URL may take to answer. */
  readonly callbackTimeoutMs: number;
  readonly log: (line: string) => void;
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

/** The async route's intake: takes a request for `fn` at `path` and answers it. */
export type Enqueue = (req: IncomingMessage, res: ServerResponse, fn: Entry, path: string) => void;

export function createAsyncIntake({ limits, callTimeoutMs, callbackTimeoutMs, log }: AsyncOptions): Enqueue {
  const queue = createQueue(limits, (error) => log(`async: ${(error as Error).message}`));

  async function run(call: AsyncCall): Promise<void> {
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

  return (req, res, fn, path) => {
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
      const accepted = keep && queue.offer(size, () => run({ fn, callId, method: req.method ?? "POST", path, headers, body: Buffer.concat(chunks, size), callback }));
      if (!accepted) {
        const held = queue.state();
        res.setHeader("Retry-After", "1");
        return text(res, 429, `the async queue is full (${held.jobs} calls and ${held.bytes} bytes held; at most ${limits.maxJobs} calls and ${limits.maxBytes} bytes): try again later`);
      }
      res.writeHead(202, { "X-Call-Id": callId, "X-Content-Type-Options": "nosniff", "Content-Length": 0 }).end();
    });
  };
}
