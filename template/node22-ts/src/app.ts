// The Express app: every method and path goes to the one handler. Bodies are parsed by kind
// under a single size limit, and every answer, including errors, leaves through reply.ts.
import express, { type NextFunction, type Request, type Response } from "express";
import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { HttpError, type FunctionEvent, type Handler, type RequestBody } from "@node22-ts/api";
import type { MemoryBudget } from "./budget.js";
import type { Config } from "./config.js";
import { gate, tooLarge } from "./gate.js";
import { invoke } from "./invoke.js";
import { isRefused } from "./refusal.js";
import { sendError, sendOutcome } from "./reply.js";

export interface AppOptions extends Pick<Config, "bodyLimit" | "bodyLimitText" | "discard"> {
  /** True once SIGTERM arrived: answers then ask clients not to reuse the connection. */
  readonly draining: () => boolean;
  readonly budget: MemoryBudget;
}

function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";", 1)[0]!.trim().toLowerCase();
}
const isJson = (req: IncomingMessage): boolean => {
  const type = mediaType(req);
  return type === "application/json" || type.endsWith("+json");
};
// A request without a content type is read as text, so `curl -d` and `faas-cli invoke`
// bodies are never lost.
const isText = (req: IncomingMessage): boolean => {
  const type = mediaType(req);
  return type === "" || type.startsWith("text/");
};
const isOther = (req: IncomingMessage): boolean => !isJson(req) && !isText(req);

export function createApp(handler: Handler, options: AppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  // JSON answers carry <, > and & as \u003c..., so echoed request text never reads as markup.
  app.set("json escape", true);

  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.set("X-Content-Type-Options", "nosniff");
    if (options.draining()) res.set("Connection", "close");
    res.on("close", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // A refusal's answer is whole once written, even if the client leaves before its body ends.
      const status = res.writableFinished || isRefused(req) ? String(res.statusCode) : "aborted";
      console.log(`${req.method} ${req.path} ${status} ${ms.toFixed(1)}ms`);
    });
    next();
  });

  const limit = options.bodyLimit;
  app.use(gate(options));
  // JSON is read as text, and parsed only when the handler first reads event.body (jsonBody).
  app.use(express.text({ limit, type: (req) => isJson(req) || isText(req), defaultCharset: "utf-8", verify: checkUtf8 }));
  app.use(express.raw({ limit, type: isOther }));

  app.use(async (req: Request, res: Response) => {
    const rawBody = (req.body as string | Buffer | undefined) ?? "";
    const body = isJson(req) && typeof rawBody === "string" ? jsonBody(rawBody) : () => rawBody;
    const event: FunctionEvent = {
      get body() {
        return body();
      },
      rawBody,
      headers: req.headers,
      method: req.method,
      query: req.query as FunctionEvent["query"],
      path: req.path,
      accepts: (...types: string[]) => req.accepts(types),
    };
    const outcome = await invoke(handler, event);
    if (outcome.finished.length > 0) whenClosed(res, outcome.finished);
    sendOutcome(req, res, outcome);
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    // A refused request was answered already; its parser ends with an error of its own.
    if (isRefused(req)) return;
    sendError(req, res, bodyError(error, options.bodyLimitText));
  });
  return app;
}

/**
 * Runs the handler's onFinished callbacks once the response has closed: after its last bytes
 * were handed to the socket, or when the connection went away first (it may already have).
 */
function whenClosed(res: Response, callbacks: readonly (() => void)[]): void {
  const run = () => {
    for (const callback of callbacks) {
      try {
        callback();
      } catch (error) {
        console.error("error: a context.onFinished callback threw:", error);
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
  if (/^utf-?8$/i.test(encoding) && !isUtf8(body)) {
    throw Object.assign(new Error("the body is not valid UTF-8 text"), { status: 400, type: "entity.charset.invalid" });
  }
}

/**
 * A JSON body, parsed on first use: a handler that reads the text itself (event.rawBody), or
 * not at all, never pays for JSON.parse. An empty or whitespace-only one is no body, as for a
 * request without one (""), rather than {} (Express's choice) or a syntax error; a malformed
 * one throws a 400 that says so, which answers the request unless the handler catches it.
 */
function jsonBody(text: string): () => RequestBody {
  let parsed: { value: RequestBody } | undefined;
  return () => {
    if (parsed === undefined) {
      try {
        parsed = { value: text.trim() === "" ? "" : (JSON.parse(text) as RequestBody) };
      } catch (error) {
        throw new HttpError(400, `malformed JSON body: ${(error as Error).message}`);
      }
    }
    return parsed.value;
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
