// A small stand-in for the OpenFaaS gateway's function routes, for local runs:
// /function/<name>[/path][?query] is proxied to that function's server with the prefix
// removed, as the gateway does; an unknown name is a 404; /healthz says whether all are up.
import { randomUUID } from "node:crypto";
import { createServer, request, type Server } from "node:http";

export interface Upstream {
  readonly port: number;
  readonly alive: () => boolean;
}

export function createGateway(functions: ReadonlyMap<string, Upstream>): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://gateway");
    if (url.pathname === "/healthz") {
      const up = [...functions.values()].every((fn) => fn.alive());
      res.writeHead(up ? 200 : 503, { "Content-Type": "text/plain; charset=utf-8" }).end(up ? "OK\n" : "a function is down\n");
      return;
    }
    const match = /^\/function\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const upstream = match ? functions.get(match[1]!) : undefined;
    if (!upstream) {
      const text = match ? `function not found: ${match[1]}` : `no route for ${url.pathname}: use /function/<name>`;
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" }).end(`${text}\n`);
      return;
    }
    const callId = randomUUID();
    const proxied = request(
      {
        host: "127.0.0.1",
        port: upstream.port,
        method: req.method,
        path: `${match![2] ?? "/"}${url.search}`,
        headers: { ...req.headers, "x-call-id": callId },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, "x-call-id": callId });
        answer.pipe(res);
      },
    );
    proxied.on("error", (error) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { "Content-Type": "text/plain; charset=utf-8" }).end(`function ${match![1]} cannot be reached: ${error.message}\n`);
    });
    req.pipe(proxied);
  });
}
