// The floor of any Node template: the baseline's handler (bench/baseline/) on a bare node:http
// server that does only what every template must, reading the body whole, decoding it as UTF-8
// text or parsing it as JSON by its content type, and answering. No framework, no limits, no
// checks: what a request costs Node itself, for information beside the peer rows. Started by
// bench/peer.ts, it prints the address it listens on.
import { createServer } from "node:http";

const bytes = Number(process.env["BASELINE_BODY_BYTES"] ?? "0");
const BODY = Buffer.from(bytes < 3 ? " ".repeat(bytes) : `"${"x".repeat(bytes - 3)}"\n`);
const RECEIVED = "ok\n";

/** The body as the handler would get it: parsed JSON, or text. */
export let received: unknown;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const text = Buffer.concat(chunks).toString("utf8");
    received = /^application\/(?:[^;]*\+)?json/i.test(req.headers["content-type"] ?? "") && text !== "" ? (JSON.parse(text) as unknown) : text;
    if (req.method === "GET") {
      res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": BODY.length });
      res.end(BODY);
    } else {
      res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": RECEIVED.length });
      res.end(RECEIVED);
    }
  });
});
server.listen(Number(process.env["http_port"] || 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`floor listening on 127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
});
process.on("SIGINT", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
