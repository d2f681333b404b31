// Run at image build time by `npm test`, with Node's test runner on the compiled handler.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpError, type FunctionEvent } from "@node-ts/api";
import handle from "./handler.js";

const event = (method: string, body: FunctionEvent["body"]): FunctionEvent => ({
  method,
  body,
  rawBody: JSON.stringify(body),
  bodyBytes: Buffer.from(JSON.stringify(body)),
  bodyKind: "json",
  path: "/",
  query: {},
  headers: { "content-type": "application/json" },
  accepts: () => false,
});

test("echoes a JSON body with the request's method and content type", async () => {
  assert.deepEqual(await handle(event("POST", { name: "lector" })), {
    method: "POST",
    path: "/",
    contentType: "application/json",
    body: { name: "lector" },
  });
});

test("refuses other methods with a 405 that names the method", async () => {
  await assert.rejects(handle(event("DELETE", "")), (error: unknown) => {
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 405);
    assert.match(error.message, /DELETE is not supported/);
    return true;
  });
});
