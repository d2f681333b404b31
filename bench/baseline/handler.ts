// The benchmark's baseline: a function on the same template that does as little as a function
// can, so that what generador and validador cost on top of the template shows as a ratio.
// GET answers a constant body made once at start-up, as bytes, the cheapest answer there is
// (its size from BASELINE_BODY_BYTES, the size of the generador answer it stands in for); any
// other method just receives its body, which the template has already parsed by content type,
// and answers a tiny constant.
import type { FunctionContext, FunctionEvent } from "@node-ts/api";

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

export default async function handle(event: FunctionEvent, context: FunctionContext): Promise<Buffer | string> {
  if (event.method === "GET") {
    context.headers({ "Content-Type": CONTENT_TYPE });
    return BODY;
  }
  return RECEIVED;
}
