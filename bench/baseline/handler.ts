// The benchmark's baseline: a function on the same template that does as little as a function
// can, so that what generador and validador cost on top of the template shows as a ratio.
// GET answers a constant body made once at start-up, as bytes, the cheapest answer there is
// (its size from BASELINE_BODY_BYTES, the size of the generador answer it stands in for); any
// other method just receives its body, which the template has already parsed by content type,
// and answers a tiny constant. GET ?fresh answers a body of the same size and type written
// anew for the request, a 4-byte word at a time from a tiny PRNG: the least a function that
// makes its answer per request can do, the floor under generador.
import type { FunctionContext, FunctionEvent } from "@node22-ts/api";

function bodyBytes(text: string | undefined): number {
  const bytes = Number(text ?? "0");
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new Error(`BASELINE_BODY_BYTES must be a whole number of bytes, got "${text}"`);
  }
  return bytes;
}

/** Valid JSON of exactly `bytes` bytes (a string and a line end) when there is room for it. */
function constantBody(bytes: number): Buffer {
  return Buffer.from(bytes < 3 ? " ".repeat(bytes) : `"${"x".repeat(bytes - 3)}"\n`);
}

const BODY = constantBody(bodyBytes(process.env["BASELINE_BODY_BYTES"]));
/** The type generador answers with, so both go through the same path in the template. */
const CONTENT_TYPE = "application/json; charset=utf-8";
const RECEIVED = "ok\n";

let state = 1;

/** A JSON string of letters "a" to "p", drawn anew, as long as BODY. */
function freshBody(): Buffer {
  const body = Buffer.allocUnsafe(BODY.length);
  if (body.length < 3) return body.fill(" ");
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  let s = state;
  for (let i = 0; i + 4 <= body.length; i += 4) {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    view.setUint32(i, 0x61616161 + (s & 0x0f0f0f0f), true);
  }
  state = s;
  body.fill(0x61, body.length & ~3);
  body[0] = 0x22;
  body[body.length - 2] = 0x22;
  body[body.length - 1] = 0x0a;
  return body;
}

export default async function handle(event: FunctionEvent, context: FunctionContext): Promise<Buffer | string> {
  if (event.method === "GET") {
    context.headers({ "Content-Type": CONTENT_TYPE });
    return event.query["fresh"] === undefined ? BODY : freshBody();
  }
  return RECEIVED;
}
