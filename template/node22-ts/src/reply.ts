// Turns a handler's outcome into the HTTP answer: content type from the kind of value,
// errors as JSON (or text, when the client asks for it), never a stack trace.
import type { Request, Response } from "express";
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
    if (!res.get("Content-Type")) res.type("text/plain; charset=utf-8");
    res.send(value);
  } else if (value instanceof Uint8Array) {
    // res.send() picks application/octet-stream for a Buffer unless a type is set.
    res.send(Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  } else {
    res.json(value);
  }
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
    const callId = req.get("X-Call-Id");
    console.error(`error: ${req.method} ${req.path} ${status}${callId ? ` call ${callId}` : ""}:`, error);
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(status);
  if (req.accepts(["application/json", "text/plain"]) === "text/plain") {
    res.type("text/plain; charset=utf-8").send(`${message}\n`);
  } else {
    res.type("application/json; charset=utf-8").send(JSON.stringify({ error: message }));
  }
}
