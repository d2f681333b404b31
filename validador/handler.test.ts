// Run at image build time (npm test), on the compiled handler with Node's test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpError, type FunctionContext, type FunctionEvent } from "@node-ts/api";
import handle from "./handler.js";

function call(body: FunctionEvent["body"], options: { method?: string; query?: Record<string, string>; accept?: string } = {}) {
  const headers: Record<string, string> = {};
  const context = { headers: (values: Record<string, string>) => Object.assign(headers, values) } as unknown as FunctionContext;
  const event = {
    method: options.method ?? "POST",
    path: "/",
    body,
    rawBody: typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    bodyBytes: Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
    bodyKind: Buffer.isBuffer(body) ? "other" : typeof body === "string" ? "text" : "json",
    headers: {},
    query: options.query ?? {},
    accepts: (...types: string[]) => (options.accept && types.includes(options.accept) ? options.accept : types[0]!),
  } as FunctionEvent;
  return handle(event, context).then((result) => ({ result, headers }));
}

// 457508000 and 664371495 (its checksum fails) as the scanner draws them.
const valid = ["    _  _  _  _  _  _  _  _ ", "|_||_   ||_ | ||_|| || || |", "  | _|  | _||_||_||_||_||_|"];
const badChecksum = [" _  _     _  _        _  _ ", "|_ |_ |_| _|  |  ||_||_||_ ", "|_||_|  | _|  |  |  | _| _|"];
/** The scanner's text of these entries: each one's 3 art lines, then a blank line. */
const packetText = (entries: readonly string[][]) => entries.map((lines) => `${lines.join("\n")}\n${" ".repeat(27)}\n`).join("");

test("reads the scanner's text file into one findings line per entry", async () => {
  const { result, headers } = await call(packetText([valid, badChecksum]));
  assert.equal(String(result), "457508000 OK\n664371495 ERR\n");
  assert.equal(headers["Content-Type"], "text/plain; charset=utf-8");
});

test("reads generador's JSON packet, names the findings file after its Id, and answers JSON on request", async () => {
  const packet = { Id: "2Uo5aT1Kx0dRk1bWbHjEjb3mBQa", Contenido: [valid, badChecksum] };
  const text = await call(packet);
  assert.equal(String(text.result), "457508000 OK\n664371495 ERR\n");
  assert.equal(text.headers["Content-Disposition"], 'attachment; filename="paraeljefe-2Uo5aT1Kx0dRk1bWbHjEjb3mBQa.txt"');
  const json = await call(packet, { accept: "application/json" });
  assert.deepEqual(json.result, {
    Id: packet.Id,
    entries: [
      { number: "457508000", status: "OK" },
      { number: "664371495", status: "ERR" },
    ],
    summary: { OK: 1, ERR: 1, ILL: 0, AMB: 0 },
  });
});

test("answers mistakes with 4xx errors that say what was wrong", async () => {
  const status = (promise: Promise<unknown>, code: number, pattern: RegExp) =>
    assert.rejects(promise, (error: unknown) => error instanceof HttpError && error.status === code && pattern.test(error.message));
  await status(call("", { method: "GET" }), 405, /POST a paquete/);
  await status(call("  \n"), 400, /empty body/);
  await status(call({ Contenido: [[1, 2, 3]] }), 400, /Contenido\[0\]\[0\]/);
  await status(call(Buffer.from([0xff, 0xfe])), 400, /not valid UTF-8/);
  await status(call(packetText([valid]), { query: { correct: "perhaps" } }), 400, /"correct" must be true or false/);
});
