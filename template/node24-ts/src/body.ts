// What kind of body a request carries, and reading the common kind directly: text or JSON in
// UTF-8 (said so, or no charset), not Content-Encoded. That is nearly every body a function
// gets, and reading it here skips the general parser's per-request work (charset lookup and
// decoder, error wrapping) on the hot path. Every other body (another charset, an encoded one,
// a binary type) goes to Express's parsers (body-parser), which handle all of them.
import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import type { BodyKind } from "@node-ts/api";

export interface BodyType {
  readonly kind: BodyKind;
  /** Text or JSON that can be read directly (readUtf8Body): UTF-8, not encoded. */
  readonly direct: boolean;
}

// The content type's parameters, when they say no more than that the charset is UTF-8.
const UTF8_ONLY = /^\s*;\s*charset\s*=\s*(?:"utf-?8"|utf-?8)\s*$/i;

export function bodyType(req: IncomingMessage): BodyType {
  const header = req.headers["content-type"] ?? "";
  const semicolon = header.indexOf(";");
  const type = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  // A request without a content type is read as text, so `curl -d` and `faas-cli invoke`
  // bodies are never lost.
  const kind: BodyKind = type === "application/json" || type.endsWith("+json") ? "json" : type === "" || type.startsWith("text/") ? "text" : "other";
  const encoding = req.headers["content-encoding"];
  const direct = kind !== "other" && (encoding === undefined || encoding.toLowerCase() === "identity") && (semicolon === -1 || UTF8_ONLY.test(header.slice(semicolon)));
  return { kind, direct };
}

/** Whether the request has a body at all (as body-parser decides it: a length or chunks). */
export const hasBody = (req: IncomingMessage): boolean => req.headers["transfer-encoding"] !== undefined || req.headers["content-length"] !== undefined;

export const notUtf8 = (): Error => Object.assign(new Error("the body is not valid UTF-8 text"), { status: 400, type: "entity.charset.invalid" });

/** UTF-8's byte order mark, as bytes. */
const BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Reads a UTF-8 body whole, checks it is UTF-8, and gives its bytes (a leading byte order mark
 * dropped, as body-parser drops it): the text is made only if the handler asks for it
 * (app.ts), so a handler that reads the bytes never pays for a decode. Sizes and time are admission's to police (admission.ts): it refuses a body over the
 * limit or the memory budget before or while it arrives, or one too slow to arrive, and then
 * stops this reader with an 'error' on the request, as it stops body-parser's; a client that
 * goes away stops it too. Either way the
 * chunks are let go and `failed` is called.
 */
export function readUtf8Body(req: IncomingMessage, done: (bytes: Buffer) => void, failed: (error: unknown) => void): void {
  // Most bodies arrive in one chunk: no array for them (see RequestEvent in app.ts for why
  // nothing per request that holds a body is a literal).
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let size = 0;
  const onData = (chunk: Buffer) => {
    if (first === undefined) first = chunk;
    else (more ??= new Array<Buffer>()).push(chunk);
    size += chunk.length;
  };
  const cleanup = () => {
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("error", onError);
    req.off("close", onClose);
  };
  const onEnd = () => {
    cleanup();
    const bytes = more === undefined ? (first ?? Buffer.alloc(0)) : Buffer.concat([first!, ...more], size);
    first = more = undefined;
    if (!isUtf8(bytes)) {
      failed(notUtf8());
      return;
    }
    done(bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2] ? bytes.subarray(3) : bytes);
  };
  const onError = (error: unknown) => {
    cleanup();
    first = more = undefined;
    failed(error);
  };
  // Closed before its end: the client went away (Node emits no 'error' then when none is asked for).
  const onClose = () => onError(Object.assign(new Error("request aborted"), { status: 400, type: "request.aborted" }));
  req.on("data", onData);
  req.on("end", onEnd);
  req.on("error", onError);
  req.on("close", onClose);
}
