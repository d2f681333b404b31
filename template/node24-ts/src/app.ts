// The Express app: every method and path goes to the one handler. Bodies are read by kind
// under a single size limit, and every answer, including errors, leaves through reply.ts.
import express, { type NextFunction, type Request, type Response } from "express";
import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { HttpError, type BodyKind, type FunctionEvent, type Handler, type RequestBody } from "@node-ts/api";
import { bodyType, hasBody, notUtf8, readUtf8Body } from "./body.js";
import { admission, clientLeft, isStopped, tooLarge } from "./admission.js";
import type { MemoryBudget } from "./budget.js";
import type { Config } from "./config.js";
import { invoke } from "./invoke.js";
import type { Phase } from "./lifecycle.js";
import { callOf, sendError, sendOutcome } from "./reply.js";

export interface AppOptions extends Pick<Config, "bodyLimit" | "bodyLimitText" | "readTimeoutMs" | "logRequests"> {
  /** Where the process is in its life: after SIGTERM answers ask clients not to reuse the connection. */
  readonly phase: () => Phase;
  readonly budget: MemoryBudget;
}

export function createApp(handler: Handler, options: AppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  // JSON answers carry <, > and & as \u003c..., so echoed request text never reads as markup.
  app.set("json escape", true);

  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (options.phase() !== "serving") res.setHeader("Connection", "close");
    if (options.logRequests) logWhenClosed(req, res);
    next();
  });

  const limit = options.bodyLimit;
  app.use(admission({ ...options, stopping: () => options.phase() === "stopping" }));
  // The bodies readUtf8Body does not read directly: other charsets, Content-Encoding, binary.
  // JSON is read as text, and parsed only when the handler first reads event.body (jsonBody).
  const parseText = express.text({ limit, type: () => true, defaultCharset: "utf-8", verify: checkUtf8 });
  const parseRaw = express.raw({ limit, type: () => true });

  app.use((req: Request, res: Response, next: NextFunction) => {
    const type = bodyType(req);
    const run = (received: ReceivedBody) => respond(handler, req, res, received).catch(next);
    if (!hasBody(req)) run(new ReceivedBody(type.kind, ""));
    else if (type.direct) readUtf8Body(req, (bytes) => run(new ReceivedBody(type.kind, bytes)), next);
    else {
      (type.kind === "other" ? parseRaw : parseText)(req, res, (error?: unknown) =>
        error ? next(error) : run(new ReceivedBody(type.kind, (req.body as string | Buffer | undefined) ?? "")),
      );
    }
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    // Admission answers the requests it took over (refused, or too slow to arrive) itself, and
    // logs those whose client left before the body ended: nobody is there to answer.
    if (isStopped(error) || clientLeft(req)) return;
    sendError(req, res, bodyError(error, options.bodyLimitText));
  });
  return app;
}

/**
 * A request's body in the forms a handler may read, each made on first use from the one the
 * body arrived in: its bytes (UTF-8 for text and JSON), its text, its parsed JSON. A body read
 * directly (body.ts) arrives as bytes, so a handler that reads only event.bodyBytes costs no
 * decode; one the general parsers read arrives as text (text and JSON) or bytes (anything else).
 */
class ReceivedBody {
  #bytes: Buffer | undefined;
  #raw: string | Buffer | undefined;
  #parsed: (() => RequestBody) | undefined;

  constructor(
    readonly kind: BodyKind,
    received: string | Buffer,
  ) {
    // Text and JSON are offered as text (rawBody); anything else as the bytes themselves.
    if (typeof received === "string") this.#raw = received;
    else if (kind === "other") this.#raw = this.#bytes = received;
    else this.#bytes = received;
  }

  bytes(): Buffer {
    return (this.#bytes ??= Buffer.from(this.#raw as string, "utf8"));
  }

  raw(): string | Buffer {
    return (this.#raw ??= this.#bytes!.toString("utf8"));
  }

  body(): RequestBody {
    if (this.kind !== "json") return this.raw();
    return (this.#parsed ??= jsonBody(this.raw() as string))();
  }
}

/**
 * The request as the handler sees it. Made with `new`, not as an object literal, as everything
 * that holds a request's body or answer is here: V8 may start allocating a literal's objects
 * straight in the old generation once enough of them have outlived a young collection, and
 * then each body they point to is kept until the next full collection, several times as many
 * of which then run. `body` is an own, enumerable property, as it was on the literal.
 */
class RequestEvent implements FunctionEvent {
  static readonly #bodyProperties: PropertyDescriptorMap = {
    body: {
      get(this: RequestEvent) {
        return this.#received.body();
      },
      enumerable: true,
    },
    rawBody: {
      get(this: RequestEvent) {
        return this.#received.raw();
      },
      enumerable: true,
    },
    bodyBytes: {
      get(this: RequestEvent) {
        return this.#received.bytes();
      },
      enumerable: true,
    },
  };
  declare readonly body: RequestBody;
  declare readonly rawBody: string | Buffer;
  declare readonly bodyBytes: Buffer;
  readonly #received: ReceivedBody;
  readonly bodyKind: BodyKind;
  readonly headers: FunctionEvent["headers"];
  readonly method: string;
  readonly query: FunctionEvent["query"];
  readonly path: string;
  readonly accepts: (...types: string[]) => string | false;

  constructor(req: Request, received: ReceivedBody) {
    this.#received = received;
    Object.defineProperties(this, RequestEvent.#bodyProperties);
    this.bodyKind = received.kind;
    this.headers = req.headers;
    this.method = req.method;
    this.query = req.query as FunctionEvent["query"];
    this.path = req.path;
    this.accepts = (...types: string[]) => req.accepts(types);
  }
}

async function respond(handler: Handler, req: Request, res: Response, received: ReceivedBody): Promise<void> {
  const outcome = await invoke(handler, new RequestEvent(req, received));
  if (outcome.finished.length > 0) whenClosed(req, res, outcome.finished);
  sendOutcome(req, res, outcome);
}

/** The request's line in the log, once its answer has left (LOG_REQUESTS). */
function logWhenClosed(req: Request, res: Response): void {
  const started = performance.now();
  res.once("close", () => {
    const ms = performance.now() - started;
    // A request whose body never all came has its line from admission (aborted, timeout).
    if (hasBody(req) && !req.complete) return;
    const status = res.writableFinished ? String(res.statusCode) : "aborted";
    console.log(`${req.method} ${req.path} ${status} ${ms.toFixed(1)}ms${callOf(req)}`);
  });
}

/**
 * Runs the handler's onFinished callbacks once the response has closed: after its last bytes
 * were handed to the socket, or when the connection went away first (it may already have).
 */
function whenClosed(req: Request, res: Response, callbacks: readonly (() => void)[]): void {
  const run = () => {
    for (const callback of callbacks) {
      try {
        callback();
      } catch (error) {
        console.error(`error: a context.onFinished callback threw${callOf(req)}:`, error);
      }
    }
  };
  if (res.closed) run();
  else res.once("close", run);
}

/**
 * Text and JSON bodies in UTF-8 (said so, or no charset given) must be UTF-8: otherwise the
 * parser would turn the bad bytes into U+FFFD and the handler would read something the client
 * never sent.
 */
function checkUtf8(_req: IncomingMessage, _res: unknown, body: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(body)) throw notUtf8();
}

/**
 * A JSON body, parsed on first use: a handler that reads the text or bytes itself, or
 * not at all, never pays for JSON.parse. An empty or whitespace-only one is no body, as for a
 * request without one (""), rather than {} (Express's choice) or a syntax error; a malformed
 * one throws a 400 that says so, which answers the request unless the handler catches it.
 */
function jsonBody(text: string): () => RequestBody {
  let parsed = false;
  let value: RequestBody = "";
  return () => {
    if (!parsed) {
      try {
        value = text.trim() === "" ? "" : (JSON.parse(text) as RequestBody);
      } catch (error) {
        throw new HttpError(400, `malformed JSON body: ${(error as Error).message}`);
      }
      parsed = true;
    }
    return value;
  };
}

/** Rewords the body parser's errors so they say what to do; others pass through. */
function bodyError(error: unknown, limitText: string): unknown {
  const { type, code } = (error ?? {}) as { type?: unknown; code?: unknown };
  if (type === "entity.too.large") return tooLarge(limitText);
  // zlib's own errors ("incorrect header check") do not say what was being read.
  if (typeof code === "string" && code.startsWith("Z_")) {
    return { status: 400, message: `the body is not valid for its Content-Encoding: ${(error as Error).message}` };
  }
  return error;
}
