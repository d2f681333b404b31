// Admission: which request bodies are read, and how every other one is answered. A body is read
// when it is within MAX_BODY_SIZE, the memory budget has room for it (budget.ts), and it
// arrives within read_timeout. Behind the watchdog every body arrives chunked, so a body is
// counted as it arrives and refused as soon as it passes the limit or the budget; a declared
// Content-Length (a client calling the function directly) decides before any of it is read.
//
// A refused body is still read to its end, and thrown away (nothing of it is kept, though the
// chunks are garbage until collected: MEMORY_HEADROOM covers that); only then is the refusal sent. Answering earlier loses the answer behind the watchdog: it returns as soon
// as the function answers, and its server then closes the client's connection with the rest of
// the body unread, so a client still sending gets a reset instead of the answer. The reading is
// bounded by time, not bytes, as in web servers' lingering close: at read_timeout (the
// watchdog's own bound on reading a request) the answer goes out and the connection is closed.
// A body that is not refused but still not all there at read_timeout gets a 408 the same way.
// A client that leaves before its body ends is no error of the function's: one log line.
import type { NextFunction, Request, Response } from "express";
import { hasBody } from "./body.js";
import { megabytes, type MemoryBudget } from "./budget.js";
import { callOf, errorAnswer } from "./reply.js";

export interface AdmissionOptions {
  /** True once the function has stopped taking requests (after SIGTERM's drain window). */
  readonly stopping: () => boolean;
  readonly bodyLimit: number;
  readonly bodyLimitText: string;
  readonly budget: MemoryBudget;
  /** read_timeout: from a request's start, how long its body may take to arrive. */
  readonly readTimeoutMs: number;
}

/** An answer to a request whose body is not read. */
export interface Refusal {
  readonly status: number;
  readonly message: string;
  /** Sent with the answer (Retry-After). */
  readonly headers?: Readonly<Record<string, string>>;
}

// --- The decisions: plain functions of sizes and the budget. ---

/** Seconds a client refused for want of memory is asked to wait: about one large body's time. */
const RETRY_AFTER_S = 1;

export const tooLarge = (limitText: string): Refusal => ({ status: 413, message: `request body is larger than the ${limitText} limit (MAX_BODY_SIZE)` });

/**
 * How the size a body is counted at was known: declared (Content-Length), so far (what has
 * arrived of a chunked body), or encoded (counted at MAX_BODY_SIZE, the most it may inflate to).
 */
export type Counted = "declared" | "so far" | "encoded";

/** The refusal for a body the budget has no room for: now (503), or ever (413). */
export function noRoom(outcome: "busy" | "too large", size: number, budget: MemoryBudget, counted: Counted): Refusal {
  const memory = megabytes(size * budget.bodyExpansion);
  const body =
    counted === "declared"
      ? `a body of ${megabytes(size)} needs about ${memory}`
      : counted === "so far"
        ? `a body of ${megabytes(size)} so far needs at least ${memory}`
        : `an encoded body (Content-Encoding), counted at the ${megabytes(size)} it may inflate to (MAX_BODY_SIZE), needs about ${memory}`;
  const need = `${body} of memory while it is read and handled`;
  if (outcome === "too large") {
    return { status: 413, message: `${need}, more than this function has for request bodies (${megabytes(budget.total)}; MEMORY_LIMIT, MEMORY_HEADROOM)` };
  }
  const free = Math.max(0, budget.total - budget.inUse());
  return {
    status: 503,
    message: `busy: ${need}, and only ${megabytes(free)} of the ${megabytes(budget.total)} this function has for request bodies is free now; retry in a moment, or send large bodies to /async-function/`,
    headers: { "Retry-After": String(RETRY_AFTER_S) },
  };
}

/** The answer to a request that comes after the function has stopped taking requests. */
export const shuttingDown: Refusal = {
  status: 503,
  message: "shutting down: this instance takes no more requests; retry in a moment",
  headers: { "Retry-After": String(RETRY_AFTER_S), Connection: "close" },
};

/** The answer to a body still not all there at read_timeout. */
export const tooSlow = (readTimeoutMs: number, received: number): Refusal => ({
  status: 408,
  message: `the request body did not arrive within ${seconds(readTimeoutMs)} (read_timeout); ${received} bytes of it came`,
});

const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))}s`;

// --- Stopping the body's reader. ---

/**
 * The error a body's reader (readUtf8Body, body-parser) is stopped with once admission has
 * taken the request over: it is to be ignored, as admission answers the request itself.
 */
const STOPPED = "request.body.stopped";

export const isStopped = (error: unknown): boolean => (error as { type?: unknown } | null)?.type === STOPPED;

/** Whether the client went away before its body ended: there is no one to answer. */
export const clientLeft = (req: Request): boolean => req.destroyed && !req.complete;

// --- The middleware. ---

/** Sends a refusal as the whole answer; `then` runs once it has been handed to the socket. */
function send(req: Request, res: Response, refusal: Refusal, then?: () => void): void {
  const text = errorAnswer(req, refusal.message);
  res.status(refusal.status).set(refusal.headers ?? {});
  res.set({ "Content-Type": text.type, "Content-Length": String(Buffer.byteLength(text.body)) });
  res.end(text.body, then);
}

const isEncoded = (req: Request): boolean => (req.headers["content-encoding"] ?? "identity").toLowerCase() !== "identity";

export function admission(options: AdmissionOptions) {
  const { bodyLimit: limit, budget, readTimeoutMs } = options;
  return (req: Request, res: Response, next: NextFunction): void => {
    const stopping = options.stopping();
    if (!hasBody(req)) {
      if (stopping) send(req, res, shuttingDown);
      else next();
      return;
    }
    const reservation = budget.open();
    if (budget.limit !== null) res.once("close", () => reservation.release());
    const encoded = isEncoded(req);
    const declared = req.headers["content-length"];
    let received = 0;
    /** Set once admission answers the request itself: the body is then only read off. */
    let refusal: Refusal | undefined;
    let timedOut = false;

    /** Answers the refusal; `close`: the body has not all arrived, and no more of it is read. */
    const answer = (close: boolean) => {
      if (res.headersSent || res.destroyed) return;
      if (!close) return send(req, res, refusal!);
      res.set("Connection", "close");
      req.pause();
      send(req, res, refusal!, () => req.socket.destroy());
    };
    /** Takes the request over: its body's reader is stopped, and admission answers instead. */
    const takeOver = (why: Refusal) => {
      refusal = why;
      // What the body held is thrown away, not kept: it needs no memory.
      reservation.release();
      // readUtf8Body, and body-parser, give up on an error from the stream they read.
      if (req.listenerCount("error") > 0) req.emit("error", Object.assign(new Error("request body refused"), { type: STOPPED }));
    };
    /** Refuses the body: the rest of it is read off, and the answer sent once it has ended. */
    const refuse = (why: Refusal) => {
      takeOver(why);
      if (req.complete) answer(false);
      else {
        req.once("end", () => answer(false));
        req.resume();
      }
    };

    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (refusal !== undefined || declared !== undefined) return;
      if (received > limit) refuse(tooLarge(options.bodyLimitText));
      else if (!encoded) {
        const outcome = reservation.grow(chunk.length);
        if (outcome !== "admitted") refuse(noRoom(outcome, received, budget, "so far"));
      }
    };
    const expected = declared === undefined ? "" : ` of ${declared}`;
    const deadline = setTimeout(() => {
      if (req.complete || res.headersSent) return;
      timedOut = true;
      if (refusal === undefined) takeOver(tooSlow(readTimeoutMs, received));
      console.log(`timeout: ${req.method} ${req.path} ${refusal!.status} at read_timeout (${seconds(readTimeoutMs)}), after ${received}${expected} bytes of the body${callOf(req)}`);
      answer(true);
    }, readTimeoutMs);
    // The request closes once its body has ended, or when the client leaves before that.
    req.once("close", () => {
      clearTimeout(deadline);
      if (!req.complete && !timedOut) console.log(`aborted: ${req.method} ${req.path} the client left after ${received}${expected} bytes of the body${callOf(req)}`);
    });
    // Counted first, ahead of the reader that next() attaches in the same turn (before any data
    // flows): a chunk that passes a bound is refused before the reader sees it.
    req.on("data", count);

    if (stopping) return refuse(shuttingDown);
    if (declared !== undefined) {
      // Node has checked that it is a number, and delivers no more than it says. An encoded
      // body's size once inflated is not known before it is read: it is counted at the most it
      // may become.
      const size = Number(declared);
      if (size > limit) return refuse(tooLarge(options.bodyLimitText));
      const counted: Counted = encoded && size > 0 ? "encoded" : "declared";
      const cost = counted === "encoded" ? limit : size;
      const outcome = reservation.grow(cost);
      if (outcome !== "admitted") return refuse(noRoom(outcome, cost, budget, counted));
    } else if (encoded) {
      const outcome = reservation.grow(limit);
      if (outcome !== "admitted") return refuse(noRoom(outcome, limit, budget, "encoded"));
    }
    next();
  };
}
