// Run by the image build (npm test).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { FunctionContext, FunctionEvent } from "@node-ts/api";

process.env["CORE_ENTRIES"] = "3";
const { default: handle } = await import("./handler.js");
// Timed, as bench/forms.ts runs it: CORE_TIMED is read when the module loads, so a second
// instance of it (the query makes a new module record) is loaded with it set.
process.env["CORE_TIMED"] = "1";
const { default: timedHandle } = (await import(new URL("./handler.js?timed", import.meta.url).href)) as { default: typeof handle };
delete process.env["CORE_TIMED"];

/** The handler sets headers only: a context that records them. */
const context = () => {
  const set: Record<string, string> = {};
  const ctx = { set, headers: (values: Record<string, string>) => (Object.assign(set, values), ctx) };
  return ctx;
};
const call = (e: FunctionEvent, ctx = context()) => handle(e, ctx as unknown as FunctionContext);
const callTimed = (e: FunctionEvent, ctx = context()) => timedHandle(e, ctx as unknown as FunctionContext);
const event = (method: string, bytes: Buffer, bodyKind: FunctionEvent["bodyKind"], path = "/"): FunctionEvent => ({
  method,
  body: "",
  rawBody: "",
  bodyBytes: bytes,
  bodyKind,
  headers: {},
  query: {},
  path,
  accepts: () => false,
});
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

test("GET draws a packet of CORE_ENTRIES entries as indented JSON, a new one each time", async () => {
  const ctx = context();
  const first = text(await call(event("GET", Buffer.alloc(0), "text"), ctx));
  const packet = JSON.parse(first) as { Id: string; Contenido: string[][] };
  assert.equal(packet.Contenido.length, 3);
  assert.match(first, /\n {2}"Contenido"/);
  assert.equal(ctx.set["Content-Type"], "application/json; charset=utf-8");
  assert.notEqual(text(await call(event("GET", Buffer.alloc(0), "text"), context())), first);
});

test("POST answers the findings of the paquete, in either form", async () => {
  const drawn = text(await call(event("GET", Buffer.alloc(0), "text"), context()));
  const ctx = context();
  const findings = text(await call(event("POST", Buffer.from(drawn), "json"), ctx));
  assert.equal(findings.split("\n").length, 4);
  assert.match(findings, /^[0-9?]{9} (OK|ERR|ILL)\n/);
  assert.equal(ctx.set["Content-Type"], "text/plain; charset=utf-8");
  const scanned = (JSON.parse(drawn) as { Contenido: string[][] }).Contenido.map((entry) => `${entry.join("\n")}\n\n`).join("");
  assert.equal(text(await call(event("POST", Buffer.from(scanned), "text"), context())), findings);
});

test("timed (CORE_TIMED=1), it answers as untimed, and GET /timings gives each POST's core time since the last one, by body form", async () => {
  const timings = async () => JSON.parse(text(await callTimed(event("GET", Buffer.alloc(0), "text", "/timings")))) as { json: number[]; text: number[] };
  await timings();
  const drawn = text(await call(event("GET", Buffer.alloc(0), "text"), context()));
  const scanned = (JSON.parse(drawn) as { Contenido: string[][] }).Contenido.map((entry) => `${entry.join("\n")}\n\n`).join("");
  const findings = text(await call(event("POST", Buffer.from(drawn), "json")));
  const ctx = context();
  assert.equal(text(await callTimed(event("POST", Buffer.from(drawn), "json"), ctx)), findings);
  assert.equal(ctx.set["Content-Type"], "text/plain; charset=utf-8");
  assert.equal(text(await callTimed(event("POST", Buffer.from(drawn), "json"))), findings);
  assert.equal(text(await callTimed(event("POST", Buffer.from(scanned), "text"))), findings);
  const first = await timings();
  assert.equal(first.json.length, 2);
  assert.equal(first.text.length, 1);
  for (const ns of [...first.json, ...first.text]) assert.ok(Number.isInteger(ns) && ns > 0, String(ns));
  assert.deepEqual(await timings(), { json: [], text: [] });
  // Untimed, /timings is no route of its own: a GET draws a packet, whatever its path.
  assert.ok(Array.isArray((JSON.parse(text(await call(event("GET", Buffer.alloc(0), "text", "/timings")))) as { Contenido: unknown }).Contenido));
});
