// Run at image build time (npm test), on the compiled handler with Node's test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpError, type FunctionContext, type FunctionEvent } from "@node-ts/api";
import { generate, jsonBytes } from "#ocr";
import handle, { readRequest } from "./handler.js";

const rejects400 = (query: Record<string, string | string[]>, pattern: RegExp) =>
  assert.throws(() => readRequest(query), (error: unknown) => error instanceof HttpError && error.status === 400 && pattern.test(error.message));

test("reads the query with its defaults", () => {
  const request = readRequest({ seed: "42" });
  assert.equal(request.seed, 42);
  assert.ok(request.count >= 1 && request.count <= 500);
  assert.deepEqual(readRequest({ seed: "42" }), request, "the default count is drawn from the seed");
  assert.equal(request.errRate, 0.1);
  assert.equal(request.format, "json");
  assert.equal(readRequest({ count: "0", err: "0.25", ill: ".5", key: "", compact: "true" }).key, true);
});

test("names the parameter in every query mistake", () => {
  rejects400({ count: "-1" }, /"count" must be a whole number from 0 to 100000/);
  rejects400({ count: "100001" }, /"count"/);
  rejects400({ count: "1e3" }, /"count"/);
  rejects400({ seed: "4294967296" }, /"seed"/);
  rejects400({ err: "1.5" }, /"err" must be a rate from 0 to 1/);
  rejects400({ ill: "NaN" }, /"ill"/);
  rejects400({ err: "0.6", ill: "0.6" }, /"err" and "ill" add up to 1.2/);
  rejects400({ format: "xml" }, /"format" must be json or text/);
  rejects400({ key: "maybe" }, /"key" must be true or false/);
  rejects400({ key: "1", format: "text" }, /"key" needs format=json/);
  rejects400({ size: "3" }, /unknown query parameter "size"/);
  rejects400({ count: ["1", "2"] }, /"count" is given 2 times/);
});

test("answers a reproducible packet of 27-character lines with its answer key", async () => {
  const headers: Record<string, string> = {};
  const context = { headers: (values: Record<string, string>) => Object.assign(headers, values), onFinished: () => context } as unknown as FunctionContext;
  const event = (query: Record<string, string>): FunctionEvent =>
    ({ method: "GET", path: "/", body: "", headers: {}, query, accepts: () => false }) as FunctionEvent;
  const answer = async (query: Record<string, string>) => JSON.parse(Buffer.from(await handle(event(query), context)).toString("utf8"));
  const first = await answer({ count: "3", seed: "7", key: "1" });
  const again = await answer({ count: "3", seed: "7", key: "1" });
  assert.equal(headers["Content-Type"], "application/json; charset=utf-8");
  assert.match(first.Id, /^[0-9A-Za-z]{27}$/);
  assert.notEqual(first.Id, again.Id);
  assert.deepEqual(first.Contenido, again.Contenido);
  assert.equal(first.Contenido.length, 3);
  for (const lines of first.Contenido) assert.deepEqual(lines.map((line: string) => line.length), [27, 27, 27]);
  assert.equal(first.Key.length, 3);
});

test("reuses an answer's buffer only once that answer has left", async () => {
  const contextFor = (finished: (() => void)[]) =>
    ({ headers: () => undefined, onFinished: (callback: () => void) => finished.push(callback) }) as unknown as FunctionContext;
  const event = { method: "GET", path: "/", body: "", headers: {}, query: { count: "40", seed: "1" }, accepts: () => false } as unknown as FunctionEvent;
  const firstFinished: (() => void)[] = [];
  const first = await handle(event, contextFor(firstFinished));
  const firstText = Buffer.from(first).toString("latin1");
  const second = await handle(event, contextFor([]));
  assert.notEqual(second.buffer, first.buffer, "the first answer is still in use");
  assert.equal(Buffer.from(first).toString("latin1"), firstText);
  assert.equal(firstFinished.length, 1);
  firstFinished[0]!();
  const third = await handle(event, contextFor([]));
  assert.equal(third.buffer, first.buffer, "the first answer's buffer, given back, is reused");
  assert.equal(JSON.parse(Buffer.from(third).toString("utf8")).Contenido.length, 40);
});

test("writes the paquete as JSON.stringify would, indented or compact, with and without its key", () => {
  for (const count of [1, 4]) {
    const generated = generate({ count, seed: 3, errRate: 0.3, illRate: 0.3 });
    const { entries, key } = generated;
    for (const id of ["2Uo5aT1Kx0dRk1bWbHjEjb3mBQa", "x"]) {
      for (const withKey of [false, true]) {
        const paquete = withKey ? { Id: id, Contenido: entries, Key: key } : { Id: id, Contenido: entries };
        const written = (indent: boolean) => Buffer.from(jsonBytes(generated, { id, indent, key: withKey })).toString("latin1");
        assert.equal(written(true), `${JSON.stringify(paquete, null, 2)}\n`);
        assert.equal(written(false), `${JSON.stringify(paquete)}\n`);
      }
    }
  }
});
