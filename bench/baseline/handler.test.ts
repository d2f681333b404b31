// Run by the image build (npm test).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { FunctionContext, FunctionEvent } from "@node-ts/api";

// The sizes are read once, when the module loads.
process.env["BASELINE_BODY_BYTES"] = "64";
const { default: handle } = await import("./handler.js");
process.env["BASELINE_POST_BYTES"] = "7000";
// A second instance of the module, which reads the sizes again.
const sized = new URL("./handler.js?post-bytes", import.meta.url).href;
const { default: handleSized } = (await import(sized)) as typeof import("./handler.js");

const context = (): FunctionContext & { set: Record<string, string> } => {
  const set: Record<string, string> = {};
  const ctx = {
    set,
    status: () => ctx,
    headers: (values?: Record<string, string>) => (values ? (Object.assign(set, values), ctx) : set),
    succeed: () => {},
    fail: () => {},
  };
  return ctx as unknown as FunctionContext & { set: Record<string, string> };
};
const event = (method: string, body: FunctionEvent["body"]): FunctionEvent => ({
  method,
  body,
  rawBody: typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  bodyBytes: Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
  bodyKind: Buffer.isBuffer(body) ? "other" : typeof body === "string" ? "text" : "json",
  headers: {},
  query: {},
  path: "/",
  accepts: () => false,
});

test("GET answers a constant JSON body of BASELINE_BODY_BYTES bytes, typed as generador's", async () => {
  const ctx = context();
  const body = await handle(event("GET", ""), ctx);
  assert.ok(Buffer.isBuffer(body), "the cheapest answer: bytes made once");
  assert.equal(body.length, 64);
  assert.doesNotThrow(() => JSON.parse(body.toString("utf8")));
  assert.equal(ctx.set["Content-Type"], "application/json; charset=utf-8");
  assert.equal(await handle(event("GET", ""), context()), body);
});

test("POST receives the body and answers a tiny constant", async () => {
  assert.equal(await handle(event("POST", "a body, already parsed by the template"), context()), "ok\n");
  assert.equal(await handle(event("POST", { Contenido: [] }), context()), "ok\n");
});

test("with BASELINE_POST_BYTES, POST answers constant text of that size, typed as validador's findings", async () => {
  const ctx = context();
  const body = await handleSized(event("POST", "a body"), ctx);
  assert.ok(Buffer.isBuffer(body));
  assert.equal(body.length, 7000);
  assert.ok(body.toString("utf8").endsWith("x\n"));
  assert.equal(ctx.set["Content-Type"], "text/plain; charset=utf-8");
  assert.equal(await handleSized(event("POST", "another"), context()), body);
});
