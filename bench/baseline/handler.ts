// The benchmark's baseline: a function on the same template that does as little as a function
// can, so that what generador and validador cost on top of the template shows as a ratio.
// GET answers a constant body made once at start-up, as bytes, the cheapest answer there is
// (its size from BASELINE_BODY_BYTES, the size of the generador answer it stands in for); any
// other method just receives its body, which the template has already parsed by content type,
// and answers a tiny constant, or, with BASELINE_POST_BYTES, a constant text of that size (the
// size of the validador answer it stands in for, so that sending the answer costs both alike).
import type { FunctionContext, FunctionEvent } from "@node-ts/api";

function bytesFrom(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined) return undefined;
  const bytes = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(bytes) || bytes < 0) {
    throw new Error(`${name} must be a whole number of bytes, got "${text}"`);
  }
  return bytes;
}

/** Valid JSON of exactly `bytes` bytes (a string and a line end) when there is room for it. */
function constantJson(bytes: number): Buffer {
  return Buffer.from(bytes < 3 ? " ".repeat(bytes) : `"${"x".repeat(bytes - 3)}"\n`);
}

/** Text lines of exactly `bytes` bytes, the last one ended. */
function constantText(bytes: number): Buffer {
  return Buffer.from(bytes === 0 ? "" : `${"x".repeat(bytes - 1)}\n`);
}

const GET_BODY = constantJson(bytesFrom("BASELINE_BODY_BYTES") ?? 0);
const postBytes = bytesFrom("BASELINE_POST_BYTES");
const POST_BODY = postBytes === undefined ? undefined : constantText(postBytes);
/** The types generador and validador answer with, so each goes through the same path in the template. */
const JSON_TYPE = "application/json; charset=utf-8";
const TEXT_TYPE = "text/plain; charset=utf-8";
const RECEIVED = "ok\n";

export default async function handle(event: FunctionEvent, context: FunctionContext): Promise<Buffer | string> {
  if (event.method === "GET") {
    context.headers({ "Content-Type": JSON_TYPE });
    return GET_BODY;
  }
  if (POST_BODY === undefined) return RECEIVED;
  context.headers({ "Content-Type": TEXT_TYPE });
  return POST_BODY;
}
