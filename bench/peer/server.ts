// The benchmark's peer: a stand-in for the official OpenFaaS node22 template (openfaas/templates,
// template/node22), written here from its documented behaviour, serving the baseline's handler.
// What it does per request, as that template does: Express 5 with body-parser's text
// ("text/*"), JSON and urlencoded (extended) parsers at their defaults (100 kB), text/plain
// filled in when a request has no content type, an event and a context object around the
// handler, an object result sent as JSON.stringify and anything else with res.send, no log line.
// Where it differs: ESM instead of CommonJS, the handler in this file instead of
// function/handler.js, and it prints the address it listens on (the benchmark waits for it).
import express, { type NextFunction, type Request, type Response } from "express";

interface PeerEvent {
  readonly body: unknown;
  readonly headers: Request["headers"];
  readonly method: string;
  readonly query: unknown;
  readonly path: string;
}

type Callback = (error: unknown, result?: unknown) => void;

class PeerContext {
  statusCode = 200;
  headerValues: Record<string, string> = {};
  calls = 0;
  constructor(readonly cb: Callback) {}
  status(code?: number): number | this {
    if (!code) return this.statusCode;
    this.statusCode = code;
    return this;
  }
  headers(values?: Record<string, string>): Record<string, string> | this {
    if (!values) return this.headerValues;
    this.headerValues = values;
    return this;
  }
  succeed(value: unknown): void {
    this.calls++;
    this.cb(undefined, value);
  }
  fail(error: unknown): void {
    if (this.statusCode === 200) this.statusCode = 500;
    this.calls++;
    this.cb(error);
  }
}

// The baseline's handler (bench/baseline/handler.ts): GET answers a constant JSON body of
// BASELINE_BODY_BYTES bytes made once; any other method answers a tiny constant.
const bytes = Number(process.env["BASELINE_BODY_BYTES"] ?? "0");
const BODY = Buffer.from(bytes < 3 ? " ".repeat(bytes) : `"${"x".repeat(bytes - 3)}"\n`);
function handle(event: PeerEvent, context: PeerContext): Promise<unknown> {
  if (event.method === "GET") {
    context.headers({ "Content-Type": "application/json; charset=utf-8" });
    return Promise.resolve(BODY);
  }
  return Promise.resolve("ok\n");
}

const isPlainObject = (value: unknown): boolean => value !== null && typeof value === "object" && (Array.isArray(value) || value.constructor === Object);

const app = express();
app.disable("x-powered-by");
app.use((req: Request, _res: Response, next: NextFunction) => {
  if (!req.headers["content-type"]) req.headers["content-type"] = "text/plain";
  next();
});
app.use(express.text({ type: "text/*" }));
app.use(express.json({ limit: "100kb" }));
app.use(express.urlencoded({ extended: true }));
app.use((req: Request, res: Response) => {
  const cb: Callback = (error, result) => {
    if (error) {
      console.error(error);
      res.status(context.statusCode).send(String(error));
      return;
    }
    res.set(context.headerValues).status(context.statusCode);
    res.send(isPlainObject(result) ? JSON.stringify(result) : result);
  };
  const event: PeerEvent = { body: req.body as unknown, headers: req.headers, method: req.method, query: req.query, path: req.path };
  const context = new PeerContext(cb);
  handle(event, context)
    .then((result) => {
      if (!context.calls) context.succeed(result);
    })
    .catch((error: unknown) => cb(error));
});

const server = app.listen(Number(process.env["http_port"] || 3000), "127.0.0.1", () => {
  const address = server.address();
  console.log(`peer listening on 127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
});
process.on("SIGINT", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
