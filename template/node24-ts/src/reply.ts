// Turns a handler's outcome into the HTTP answer: content type from the kind of value,
// errors as JSON (or text, when the client asks for it), never a stack trace.
import type { Request, Response } from "express";
import { STATUS_CODES } from "node:http";
import type { Outcome } from "./invoke.js";

export function sendOutcome(req: Request, res: Response, outcome: Outcome): void {
  // Headers the handler set (Allow, Retry-After...) go out with errors too; the body's type is ours.
  res.set(outcome.headers);
  if (!outcome.ok) {
    const status = outcome.status >= 400 ? outcome.status : undefined;
    sendError(req, res, typeof outcome.error === "string" && status ? { status, message: outcome.error } : outcome.error);
    return;
  }
  res.status(outcome.status);
  sendValue(res, outcome.value);
}

function sendValue(res: Response, value: unknown): void {
  if (value === undefined || value === null) {
    res.end();
  } else if (typeof value === "string") {
    if (!res.hasHeader("Content-Type")) res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.send(value);
  } else if (value instanceof Uint8Array) {
    // res.send() picks application/octet-stream for a Buffer unless a type is set.
    res.send(Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  } else {
    res.json(value);
  }
}

/** " call <X-Call-Id>" for log lines, when the request has one (the watchdog's, the gateway's). */
export function callOf(req: Request): string {
  const id = req.headers["x-call-id"];
  return typeof id === "string" && id !== "" ? ` call ${JSON.stringify(id).slice(1, -1)}` : "";
}

/** The status an error asks for: its own 4xx/5xx `status` or `statusCode`, else 500. */
function statusOf(error: unknown): number {
  if (typeof error === "object" && error !== null) {
    const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
    const code = typeof status === "number" ? status : statusCode;
    if (typeof code === "number" && Number.isInteger(code) && code >= 400 && code <= 599) return code;
  }
  return 500;
}

export function sendError(req: Request, res: Response, error: unknown): void {
  const status = statusOf(error);
  let message: string;
  if (status < 500) {
    message = String((error as { message?: unknown }).message ?? "Bad Request");
  } else {
    // A 5xx message may carry paths or internals: log it, answer with the status text only.
    message = status === 500 ? "Internal Server Error" : `Error ${status}`;
    console.error(`error: ${req.method} ${req.path} ${status}${callOf(req)}:`, error);
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const answer = errorAnswer(req, message);
  res.status(status).type(answer.type).send(answer.body);
}

/** An error message as the client asked for it: JSON, unless it prefers text/plain. */
export function errorAnswer(req: Request, message: string): { readonly type: string; readonly body: string } {
  return req.accepts(["application/json", "text/plain"]) === "text/plain"
    ? { type: "text/plain; charset=utf-8", body: `${message}\n` }
    : { type: "application/json; charset=utf-8", body: errorJson(message) };
}

/** {"error": message}, with <, > and & escaped as \u003c... like Express's "json escape". */
function errorJson(message: string): string {
  return JSON.stringify({ error: message }).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The answer to a request Node's HTTP parser refused before there was a request to hand to
 * Express (its 'clientError' event): the same statuses Node itself sends, with nosniff like
 * every other answer, a JSON message, and the connection closed. An answer to HEAD must have
 * no body, so there is a message only when the bytes Node kept show another method.
 */
export function clientErrorAnswer(error: NodeJS.ErrnoException & { reason?: unknown; rawPacket?: unknown }, maxHeaderSize: number): string {
  let status = 400;
  let message = typeof error.reason === "string" ? `malformed HTTP request: ${error.reason}` : "malformed HTTP request";
  if (error.code === "HPE_HEADER_OVERFLOW") {
    status = 431;
    message = `the request line and headers are larger than ${maxHeaderSize} bytes`;
  } else if (error.code === "HPE_CHUNK_EXTENSIONS_OVERFLOW") {
    status = 413;
    message = "the chunk extensions of the body are too large";
  } else if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    status = 408;
    message = "the request took too long to arrive";
  }
  const start = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.toString("latin1", 0, 16) : "";
  const method = /^([A-Z]+) /.exec(start)?.[1];
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`, "X-Content-Type-Options: nosniff", "Connection: close"];
  if (method === undefined || method === "HEAD") return `${head.join("\r\n")}\r\n\r\n`;
  const body = errorJson(message);
  return [...head, "Content-Type: application/json; charset=utf-8", `Content-Length: ${Buffer.byteLength(body)}`, "", body].join("\r\n");
}
