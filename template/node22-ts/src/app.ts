// The Express app: every method and path goes to the one handler. Bodies are parsed by kind
// under a single size limit, and every answer, including errors, leaves through reply.ts.
import express, { type NextFunction, type Request, type Response } from "express";
import type { IncomingMessage } from "node:http";
import type { FunctionEvent, Handler, RequestBody } from "@node22-ts/api";
import type { Config } from "./config.js";
import { invoke } from "./invoke.js";
import { sendError, sendOutcome } from "./reply.js";

export interface AppOptions extends Pick<Config, "bodyLimit" | "bodyLimitText"> {
  /** True once SIGTERM arrived: answers then ask clients not to reuse the connection. */
  readonly draining: () => boolean;
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

  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.set("X-Content-Type-Options", "nosniff");
    if (options.draining()) res.set("Connection", "close");
    res.on("close", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const status = res.writableFinished ? String(res.statusCode) : "aborted";
      console.log(`${req.method} ${req.path} ${status} ${ms.toFixed(1)}ms`);
    });
    next();
  });

  const limit = options.bodyLimit;
  app.use(express.json({ limit, strict: false, type: isJson }));
  app.use(express.text({ limit, type: isText, defaultCharset: "utf-8" }));
  app.use(express.raw({ limit, type: isOther }));

  app.use(async (req: Request, res: Response) => {
    const event: FunctionEvent = {
      body: (req.body as RequestBody | undefined) ?? "",
      headers: req.headers,
      method: req.method,
      query: req.query as FunctionEvent["query"],
      path: req.path,
      accepts: (...types: string[]) => req.accepts(types),
    };
    sendOutcome(req, res, await invoke(handler, event));
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendError(req, res, bodyError(error, options.bodyLimitText));
  });
  return app;
}

/** Rewords the body parser's errors so they say what to do; others pass through. */
function bodyError(error: unknown, limitText: string): unknown {
  const type = (error as { type?: unknown } | null)?.type;
  if (type === "entity.too.large") {
    return { status: 413, message: `request body is larger than the ${limitText} limit (MAX_BODY_SIZE)` };
  }
  if (type === "entity.parse.failed") {
    return { status: 400, message: `malformed JSON body: ${(error as Error).message}` };
  }
  return error;
}
