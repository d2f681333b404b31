// The gateway's outgoing requests that hold a whole body: an async call to a function and its
// callback. The sync route streams instead (proxy.ts).
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

// Headers that belong to one connection, never passed on (RFC 9110 7.6.1), and the length,
// which is set anew for the body actually sent.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length"]);

export function passOn(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name, value]) => value !== undefined && !HOP_BY_HOP.has(name)));
}

/**
 * Sends a request with its whole body and reads the whole answer, within `timeoutMs`; a
 * time-out rejects with an error named TimeoutError.
 */
export function send(url: URL, method: string, headers: OutgoingHttpHeaders, body: Buffer, timeoutMs: number): Promise<Answer> {
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
