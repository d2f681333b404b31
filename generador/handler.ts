// generador: GET → a paquete of readings, some spoiled on purpose.
// The query picks what is drawn (count, seed, err, ill) and how it is sent (key, format, compact).
import { randomFillSync, randomInt } from "node:crypto";
import KSUID from "ksuid";
import { HttpError, flag, quote, readQuery, type FunctionContext, type FunctionEvent, type Query } from "@node-ts/api";
import { MAX_ENTRIES, generate, jsonBytes, textBytes, type Allocate, type GenerateOptions } from "#ocr";
import { BufferPool } from "./buffers.js";

const DEFAULT_ERR_RATE = 0.1;
const DEFAULT_ILL_RATE = 0.1;
/** Without ?count, a packet holds 1..500 readings, like the original service's. */
const DEFAULT_MAX_COUNT = 500;
const MAX_SEED = 2 ** 32 - 1;

/**
 * A paquete's Id: a KSUID (time-ordered, 27 base62 characters). Its 16 random bytes come from
 * a pool filled 256 Ids at a time, which halves what making an Id costs per request.
 */
const idRandomness = Buffer.alloc(16 * 256);
let idRandomnessUsed = idRandomness.length;

function newId(): string {
  if (idRandomnessUsed === idRandomness.length) {
    randomFillSync(idRandomness);
    idRandomnessUsed = 0;
  }
  // fromParts keeps its own copy of the payload.
  const payload = idRandomness.subarray(idRandomnessUsed, (idRandomnessUsed += 16));
  return KSUID.fromParts(Date.now(), payload).string;
}

/**
 * Answers up to 1 MiB (about 8 000 entries) go into reused buffers, at most 4 MiB of them kept
 * free: enough for every answer in flight under load at the usual sizes.
 */
const answers = new BufferPool(1 << 20, 4 << 20);

/** Buffers from the pool for this request's answer, each given back once the answer has left. */
function answerBuffers(context: FunctionContext): Allocate {
  return (bytes) => {
    const buffer = answers.take(bytes);
    context.onFinished(() => answers.give(buffer));
    return buffer;
  };
}

export interface Request extends GenerateOptions {
  readonly key: boolean;
  readonly format: "json" | "text";
  readonly compact: boolean;
}

function wholeNumber(name: string, value: string, max: number): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) > max) {
    throw new HttpError(400, `query parameter "${name}" must be a whole number from 0 to ${max}, got ${quote(value)}`);
  }
  return Number(value);
}

function rate(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  // Written so that it fails in linear time: "\d+\.?\d*" takes quadratic time to refuse a long
  // run of digits followed by something else (half a second for 16 KB of them).
  if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(value) || Number(value) > 1) {
    throw new HttpError(400, `query parameter "${name}" must be a rate from 0 to 1, such as 0.15, got ${quote(value)}`);
  }
  return Number(value);
}

/** Reads and checks the query; every mistake is a 400 that names the parameter. */
export function readRequest(query: Query): Request {
  const params = readQuery(query, ["count", "seed", "err", "ill", "key", "format", "compact"]);
  const seed = params.seed === undefined ? randomInt(MAX_SEED + 1) : wholeNumber("seed", params.seed, MAX_SEED);
  const errRate = rate("err", params.err, DEFAULT_ERR_RATE);
  const illRate = rate("ill", params.ill, DEFAULT_ILL_RATE);
  if (errRate + illRate > 1) {
    throw new HttpError(400, `query parameters "err" and "ill" add up to ${errRate + illRate}; together they can be at most 1`);
  }
  const format = params.format ?? "json";
  if (format !== "json" && format !== "text") {
    throw new HttpError(400, `query parameter "format" must be json or text, got ${quote(format)}`);
  }
  const key = flag(params.key, "key");
  if (key && format === "text") {
    throw new HttpError(400, `query parameter "key" needs format=json: the scanner's text format has no place for it`);
  }
  return {
    // The default count is drawn from the seed too, so ?seed=N alone is reproducible.
    count: params.count === undefined ? 1 + (seed % DEFAULT_MAX_COUNT) : wholeNumber("count", params.count, MAX_ENTRIES),
    seed,
    errRate,
    illRate,
    key,
    format,
    compact: flag(params.compact, "compact"),
  };
}

export default async function handle(event: FunctionEvent, context: FunctionContext): Promise<Uint8Array> {
  if (event.method !== "GET" && event.method !== "HEAD") {
    context.headers({ Allow: "GET, HEAD" });
    throw new HttpError(405, `${event.method} is not supported: GET a paquete`);
  }
  const request = readRequest(event.query);
  if (request.count === 0) {
    throw new HttpError(404, "no paquete available: count=0 asks for an empty one");
  }
  const generated = generate(request);
  const id = newId();
  context.headers({ "X-Paquete-Id": id });
  if (request.format === "text") {
    context.headers({ "Content-Type": "text/plain; charset=utf-8" });
    return textBytes(generated, answerBuffers(context));
  }
  context.headers({ "Content-Type": "application/json; charset=utf-8" });
  // Indented by default, as the original service answered, so it reads well in a browser.
  return jsonBytes(generated, { id, indent: !request.compact, key: request.key, allocate: answerBuffers(context) });
}
