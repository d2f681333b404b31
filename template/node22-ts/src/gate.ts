// Which request bodies are read: those within MAX_BODY_SIZE for which the memory budget has
// room. Where Content-Length tells the size, a body is refused before any of it is read; a body
// of unknown length (chunked) is counted as it arrives, and refused as soon as it passes the
// limit or the budget. Refused requests are answered at once and their bodies read off
// (refusal.ts), never left unread.
import type { NextFunction, Request, Response } from "express";
import { megabytes, type MemoryBudget, type Reservation } from "./budget.js";
import { isRefused, refuse, type DiscardBound, type Refusal } from "./refusal.js";

export interface GateOptions {
  readonly bodyLimit: number;
  readonly bodyLimitText: string;
  readonly budget: MemoryBudget;
  readonly discard: DiscardBound;
}

/** Seconds a client refused for want of memory is asked to wait: about one large body's time. */
const RETRY_AFTER_S = 1;

export const tooLarge = (limitText: string): Refusal => ({ status: 413, message: `request body is larger than the ${limitText} limit (MAX_BODY_SIZE)` });

/**
 * How the size a body is counted at was known: declared (Content-Length), so far (what has
 * arrived of a chunked body), or encoded (counted at MAX_BODY_SIZE, the most it may inflate to).
 */
type Counted = "declared" | "so far" | "encoded";

function noRoom(outcome: "busy" | "too large", size: number, budget: MemoryBudget, counted: Counted): Refusal {
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

const isEncoded = (req: Request): boolean => (req.headers["content-encoding"] ?? "identity").toLowerCase() !== "identity";

/**
 * Stops the body parser that is reading a request which has just been refused, so that it
 * buffers no more of it. The parser (raw-body) gives up on an error from the stream it reads,
 * and then reads the rest off itself; the refusal's own reader bounds that.
 */
function stopParser(req: Request): void {
  if (req.listenerCount("error") > 0) req.emit("error", Object.assign(new Error("request refused"), { type: "request.refused" }));
}

export function gate(options: GateOptions) {
  const { bodyLimit: limit, budget, discard } = options;
  return (req: Request, res: Response, next: NextFunction): void => {
    const reservation: Reservation = budget.open();
    if (budget.limit !== null) res.once("close", () => reservation.release());
    const refuseWith = (refusal: Refusal) => refuse(req, res, refusal, discard);
    // An encoded body's size once inflated is not known before it is read: it is counted at
    // the largest it may become.
    const encoded = isEncoded(req);
    const declared = req.headers["content-length"];
    if (declared !== undefined) {
      // Node has checked that it is a number, and delivers no more than it says.
      const size = Number(declared);
      if (size > limit) return refuseWith(tooLarge(options.bodyLimitText));
      const counted: Counted = encoded && size > 0 ? "encoded" : "declared";
      const cost = counted === "encoded" ? limit : size;
      const outcome = reservation.grow(cost);
      if (outcome !== "admitted") return refuseWith(noRoom(outcome, cost, budget, counted));
      next();
      return;
    }
    if (req.headers["transfer-encoding"] === undefined) {
      next();
      return;
    }
    if (encoded) {
      const outcome = reservation.grow(limit);
      if (outcome !== "admitted") return refuseWith(noRoom(outcome, limit, budget, "encoded"));
    }
    next();
    // By now the body parser (next in line) has attached its reader: next() runs it
    // synchronously. Count alongside it, and only then, so that this never starts the body
    // flowing with nobody else reading it.
    if (req.listenerCount("data") === 0) return;
    let received = 0;
    const count = (chunk: Buffer) => {
      if (isRefused(req) || res.headersSent) {
        req.off("data", count);
        return;
      }
      received += chunk.length;
      let refusal: Refusal | undefined;
      if (received > limit) refusal = tooLarge(options.bodyLimitText);
      else if (!encoded) {
        const outcome = reservation.grow(chunk.length);
        if (outcome !== "admitted") refusal = noRoom(outcome, received, budget, "so far");
      }
      if (refusal === undefined) return;
      req.off("data", count);
      refuseWith(refusal);
      stopParser(req);
    };
    req.on("data", count);
  };
}
