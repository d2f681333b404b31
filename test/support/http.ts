// A raw HTTP client for tests: sends exactly what it is given (any method, headers and bytes,
// no content type unless one is given) and reads the whole answer; and raw bytes on a socket,
// for what no HTTP client will send.
import { Agent, request, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";

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

/** Writes raw bytes to 127.0.0.1:port and reads (as latin1) until the server closes. */
export function rawHttp(port: number, text: string): Promise<string> {
  const socket = connect(port, "127.0.0.1");
  socket.write(text);
  let answer = "";
  socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
  return new Promise((resolve) => socket.on("close", () => resolve(answer)));
}
