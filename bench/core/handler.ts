// The benchmark's core function: what validador and generador call in the OCR core, alone on
// the template, with none of their own code around it. Under the same load as they are, its
// CPU per request less the baseline's is the core's cost as a function really pays it (caches
// shared with the HTTP work, the heap of a server); the function's CPU less this one's is what
// its own code around the core costs: its glue.
// POST: the findings of the paquete in the body, as validador answers a client that accepts
// anything. GET: a packet of CORE_ENTRIES entries as indented JSON, as generador draws it.
// With CORE_TIMED=1 each POST's core call is also timed, and GET /timings answers the times
// since the last such GET, by body form (bench/forms.ts): the core as a server under load
// runs it, each request's own time, with none of the server's work around it.
import type { FunctionContext, FunctionEvent } from "@node-ts/api";
import { findingsText, generate, jsonBytes, parseBody } from "#ocr";

const ENTRIES = Number(process.env["CORE_ENTRIES"] ?? "500");
/** A KSUID's length: making the Id is generador's own code, not the core's. */
const ID = "2Uo5aT1Kx0dRk1bWbHjEjb3mBQa";
/** The type generador and the baseline answer GET with, so all three take the same path in the template. */
const JSON_TYPE = "application/json; charset=utf-8";
const TEXT_TYPE = "text/plain; charset=utf-8";
let seed = 0;
const TIMED = process.env["CORE_TIMED"] === "1";
/** The core calls' times in ns, by body form, since the last GET /timings. */
let times = { json: new Array<number>(), text: new Array<number>() };

const findings = (event: FunctionEvent): Uint8Array => findingsText(parseBody(event.bodyBytes, { json: event.bodyKind === "json" }));

export default async function handle(event: FunctionEvent, context: FunctionContext): Promise<Uint8Array> {
  if (event.method === "GET" && TIMED && event.path === "/timings") {
    const answer = JSON.stringify(times);
    times = { json: [], text: [] };
    context.headers({ "Content-Type": JSON_TYPE });
    return Buffer.from(answer);
  }
  if (event.method === "GET") {
    context.headers({ "Content-Type": JSON_TYPE });
    seed = (seed + 1) >>> 0;
    return jsonBytes(generate({ count: ENTRIES, seed, errRate: 0.1, illRate: 0.1 }), { id: ID, indent: true, key: false });
  }
  context.headers({ "Content-Type": TEXT_TYPE });
  if (!TIMED) return findings(event);
  const started = process.hrtime.bigint();
  const answer = findings(event);
  (event.bodyKind === "json" ? times.json : times.text).push(Number(process.hrtime.bigint() - started));
  return answer;
}
