// /function/<name>: the sync call, streamed both ways as the gateway's proxy does, with the
// X-Call-Id and X-Duration-Seconds it adds.
import { randomUUID } from "node:crypto";
import { request, type IncomingMessage, type ServerResponse } from "node:http";
import type { Entry } from "./functions.js";
import { seconds, text } from "./replies.js";

export function proxy(req: IncomingMessage, res: ServerResponse, fn: Entry, path: string): void {
  if (!fn.upstream.port) {
    req.resume();
    return text(res, 503, `function ${fn.name} is not running`);
  }
  const callId = randomUUID();
  const started = performance.now();
  const upstream = request(
    { host: "127.0.0.1", port: fn.upstream.port, method: req.method, path, headers: { ...req.headers, "x-call-id": callId } },
    (answer) => {
      fn.invocations++;
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, "x-call-id": callId, "x-duration-seconds": seconds(started) });
      answer.pipe(res);
    },
  );
  upstream.on("error", (error) => {
    if (res.headersSent) return void res.destroy();
    text(res, 502, `function ${fn.name} cannot be reached: ${error.message}`);
  });
  res.on("close", () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}
