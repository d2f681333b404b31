// Refusing a request before its body has been read (too large, no memory free for it). The
// answer goes out at once, but the connection cannot be closed yet: closing it with part of
// the request unread makes the kernel reset it, and a client still sending loses the answer.
// The watchdog's proxy (Go's HTTP client) writes the whole request before it reads the answer,
// so it always would. The rest of the body is therefore read and thrown away, then the
// connection is closed; past a bound in bytes or time it is closed anyway, so that a client
// sending without end cannot keep the function reading.
import type { Request, Response } from "express";
import { errorAnswer } from "./reply.js";

export interface Refusal {
  readonly status: number;
  readonly message: string;
  /** Sent with the answer (Retry-After). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** How much of a refused body is still read off before the connection is closed regardless. */
export interface DiscardBound {
  readonly bytes: number;
  readonly ms: number;
}

const refused = new WeakSet<Request>();

/** Whether the request has been refused: its answer is sent or on its way, its body ignored. */
export const isRefused = (req: Request): boolean => refused.has(req);

/**
 * Answers `refusal` now, then reads off the rest of the body (up to `bound`) before closing.
 * A body parser already reading the request must be stopped by the caller; once the request
 * is refused, the error the parser ends with is to be ignored (isRefused).
 */
export function refuse(req: Request, res: Response, refusal: Refusal, bound: DiscardBound): void {
  if (refused.has(req) || res.headersSent) return;
  refused.add(req);
  const answer = errorAnswer(req, refusal.message);
  res.status(refusal.status).set(refusal.headers ?? {});
  res.set({ "Content-Type": answer.type, "Content-Length": String(Buffer.byteLength(answer.body)) });
  if (req.complete) {
    // All of it has arrived already: nothing is left unread, the connection can be kept.
    res.end(answer.body);
    return;
  }
  res.set("Connection", "close");
  // The whole answer now; ending the response is what closes the connection, so that waits.
  res.write(answer.body);

  let discarded = 0;
  const count = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > bound.bytes) cutOff();
  };
  const stop = () => {
    clearTimeout(timer);
    req.off("data", count);
    req.off("end", finish);
  };
  // The body has ended: nothing is unread, so the close is clean.
  const finish = () => {
    stop();
    res.end();
  };
  // Past the bound: stop reading and close, whatever the client is still sending.
  const cutOff = () => {
    stop();
    req.pause();
    res.end(() => req.socket.destroy());
  };
  const timer = setTimeout(cutOff, bound.ms);
  req.on("data", count);
  req.once("end", finish);
  res.once("close", stop);
  req.resume();
}
