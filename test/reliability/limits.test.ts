// Limits, on both functions as stack.yml deploys them: bodies over MAX_BODY_SIZE are refused
// without being read, packets over the entry cap and empty bodies are 400s, and query
// parameters are read strictly, in linear time, without echoing huge values back.
import { connect, type Socket } from "node:net";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MAX_ENTRIES, packetText, render } from "../../ocr/index.js";
import { parseBytes } from "../../template/node22-ts/src/config.js";
import { readRequest } from "../../generador/handler.js";
import type { RunningFunction } from "../../tools/run.js";
import { stackEnv, startDeployed, type FunctionName } from "../support/functions.js";
import { send } from "../support/http.js";
import { bodyOf, uploadThenRead } from "../support/proxy-client.js";

const running: Partial<Record<FunctionName, RunningFunction>> = {};
const fn = (name: FunctionName) => running[name]!;
const limitOf = (name: FunctionName): number => parseBytes("MAX_BODY_SIZE", stackEnv(name)["MAX_BODY_SIZE"] ?? "1mb");
const limitError = (name: FunctionName): string => JSON.stringify({ error: `request body is larger than the ${stackEnv(name)["MAX_BODY_SIZE"]} limit (MAX_BODY_SIZE)` });

beforeAll(async () => {
  [running.validador, running.generador] = await Promise.all([startDeployed("validador"), startDeployed("generador")]);
});
afterAll(() => {
  running.validador?.kill("SIGINT");
  running.generador?.kill("SIGINT");
});

interface RawExchange {
  /** The answer as received, head and body. */
  readonly answer: string;
  /** Bytes of body the client had written when the answer arrived. */
  readonly sent: number;
}

/**
 * Sends a request head, then body chunks one at a time (each flushed before the next) until an
 * answer arrives or `total` bytes are sent.
 */
async function exchange(port: number, head: string, total: number, chunkSize = 64 * 1024): Promise<RawExchange> {
  const socket: Socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  let answer = "";
  let closed = false;
  socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
  // Writing after the server closed fails (EPIPE, ECONNRESET): the test looks at what came back.
  socket.on("error", () => {});
  const ended = new Promise<void>((resolve) =>
    socket.on("close", () => {
      closed = true;
      resolve();
    }),
  );
  const chunked = /transfer-encoding: chunked/i.test(head);
  const data = Buffer.alloc(chunkSize, "x");
  const chunk = chunked ? Buffer.concat([Buffer.from(`${chunkSize.toString(16)}\r\n`), data, Buffer.from("\r\n")]) : data;
  socket.write(head);
  let sent = 0;
  while (sent < total && answer === "" && !closed) {
    await new Promise<void>((resolve) => socket.write(chunk, () => resolve()));
    sent += chunkSize;
  }
  // The answer may come in pieces: wait (up to 5 s) for all of it.
  const deadline = performance.now() + 5000;
  while (!closed && !isComplete(answer) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  socket.destroy();
  await ended;
  return { answer, sent };
}

/** Whether a raw answer holds its whole head and as many body bytes as it declares. */
function isComplete(answer: string): boolean {
  const end = answer.indexOf("\r\n\r\n");
  const length = /\r\ncontent-length: (\d+)\r\n/i.exec(answer)?.[1];
  return end >= 0 && length !== undefined && answer.length - end - 4 >= Number(length);
}

const head = (method: string, headers: Record<string, string | number>) =>
  `${method} / HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("")}\r\n`;

describe("a body over MAX_BODY_SIZE", () => {
  test.each(["validador", "generador"] as const)("%s: a declared Content-Length over the limit is answered 413 at once, before the body is sent", async (name) => {
    const limit = limitOf(name);
    // Only a first 64 KB chunk is written: the answer must not wait for the rest.
    const { answer } = await exchange(fn(name).port, head("POST", { "Content-Type": "text/plain", "Content-Length": 4 * limit + 1 }), 64 * 1024);
    expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(answer).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/i);
    expect(answer.split("\r\n\r\n")[1]).toBe(limitError(name));
  });

  test("validador: a chunked body (no Content-Length) is answered 413 as soon as it passes the limit", async () => {
    const limit = limitOf("validador");
    const { answer, sent } = await exchange(fn("validador").port, head("POST", { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" }), 4 * limit);
    expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    // The limit, and what socket buffers let through while the answer was on its way; not 4x.
    expect(sent).toBeGreaterThan(limit);
    expect(sent).toBeLessThan(2 * limit);
  });

  test("a body at the limit is still read", async () => {
    const limit = limitOf("generador");
    const answer = await send(fn("generador").url, { method: "POST", path: "/", body: "x".repeat(limit) });
    expect(answer.status).toBe(405); // read, then refused by generador for its method: not a 413
  });
});

// The watchdog's proxy writes the whole request before it reads the answer. An over-limit body
// must still get its 413: the function answers early, then reads off the rest before closing.
describe("a body over MAX_BODY_SIZE, sent whole by a client that reads only afterwards", () => {
  const TRIES = 20;
  const cases = [
    ["validador", 20 * 1024 * 1024, false],
    ["validador", 20 * 1024 * 1024, true],
    ["generador", 4 * 1024 * 1024, false],
    ["generador", 4 * 1024 * 1024, true],
  ] as const;
  test.each(cases)(`%s: the limit + %i bytes (chunked: %s) gets the 413 JSON in ${TRIES} tries of ${TRIES}, never a reset`, async (name, over, chunked) => {
    const size = limitOf(name) + over;
    const outcomes: string[] = [];
    for (let i = 0; i < TRIES; i++) {
      const { answer, written, error } = await uploadThenRead(fn(name).port, { size, chunked });
      const status = /^HTTP\/1\.1 (\d+)/.exec(answer)?.[1] ?? "no answer";
      outcomes.push(`${status}${error ? ` ${error}` : ""}${written < size ? ` after ${written} bytes` : ""}${status === "413" && bodyOf(answer) !== limitError(name) ? " wrong body" : ""}`);
    }
    expect(outcomes).toEqual(Array.from({ length: TRIES }, () => "413"));
  }, 120_000);
});

describe("what is read off after a refusal is bounded", () => {
  let bounded: RunningFunction;
  beforeAll(async () => {
    // A low bound, so that a client sending far more is quick to show it.
    bounded = await startDeployed("generador", { env: { MAX_DISCARD_SIZE: "1mb", read_timeout: "2s" } });
  });
  afterAll(() => bounded?.kill("SIGINT"));

  test.each([false, true])("a client sending 64 MB (chunked: %s) is cut off soon after MAX_DISCARD_SIZE, with the 413 already sent", async (chunked) => {
    const size = 64 * 1024 * 1024;
    const { answer, written, error } = await uploadThenRead(bounded.port, { size, chunked });
    // Closed by the server: the client cannot write it all. Socket buffers on both sides hold a
    // few MB more than the server reads.
    expect(error).toMatch(/^(EPIPE|ECONNRESET)$/);
    expect(written).toBeLessThan(24 * 1024 * 1024);
    // What the client receives once the server has reset the connection is up to its kernel.
    expect(answer === "" || /^HTTP\/1\.1 413 /.test(answer)).toBe(true);
  });

  test("a client that stops sending is closed after read_timeout, with the 413 already sent", async () => {
    const socket = connect(bounded.port, "127.0.0.1");
    await once(socket, "connect");
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    socket.on("error", () => {});
    socket.write(head("POST", { "Content-Type": "text/plain", "Content-Length": 10_000_000 }));
    socket.write(Buffer.alloc(64 * 1024, "x"));
    const started = performance.now();
    await once(socket, "close");
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(bodyOf(answer)).toBe(limitError("generador"));
    // read_timeout is 2 s here: closed by the bound, not by Node's own 300 s request timeout.
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 30_000);

  test("a body that ends within the bound is read off, and the connection closed cleanly", async () => {
    const { answer, written, error } = await uploadThenRead(bounded.port, { size: 512 * 1024, chunked: false });
    expect([error, written]).toEqual([undefined, 512 * 1024]);
    expect(answer).toMatch(/^HTTP\/1\.1 413 [\s\S]*\r\nConnection: close\r\n/);
  });
});

describe("the entry cap", () => {
  const entry = render("000000051");
  const status = async (body: string, type: string) => {
    const answer = await send(fn("validador").url, { method: "POST", body, headers: { "content-type": type } });
    return [answer.status, answer.status === 200 ? answer.body : (JSON.parse(answer.body) as { error: string }).error] as const;
  };
  const tooMany = `too many entries: the packet has ${MAX_ENTRIES + 1}, at most ${MAX_ENTRIES} are accepted`;

  test(`${MAX_ENTRIES + 1} entries answer 400 in the JSON form and the text form`, async () => {
    const json = `{"Contenido":[${`${JSON.stringify(entry)},`.repeat(MAX_ENTRIES)}${JSON.stringify(entry)}]}`;
    expect(await status(json, "application/json")).toEqual([400, tooMany]);
    expect(await status(packetText(Array.from({ length: MAX_ENTRIES + 1 }, () => entry)), "text/plain")).toEqual([400, tooMany]);
  });

  test(`${MAX_ENTRIES} entries, the largest packet, are all read`, async () => {
    const [code, text] = await status(packetText(Array.from({ length: MAX_ENTRIES }, () => entry)), "text/plain");
    expect(code).toBe(200);
    expect(text).toBe("000000051 OK\n".repeat(MAX_ENTRIES));
  }, 60_000);
});

describe("an empty or all-whitespace body answers 400 'empty body', whatever its type", () => {
  const BODIES = ["", " ", "\n\n", "\r\n\t", "\r\r", "\u00a0\ufeff", "\ufeff"];
  const TYPES = [undefined, "text/plain", "application/json", "application/octet-stream", "application/x-www-form-urlencoded"];
  test.each(TYPES.flatMap((type) => [false, true].map((chunked) => [type, chunked] as const)))("content type %s, chunked %s", async (type, chunked) => {
    for (const body of BODIES) {
      const headers: Record<string, string> = {};
      if (type !== undefined) headers["content-type"] = type;
      if (chunked) headers["transfer-encoding"] = "chunked";
      const answer = await send(fn("validador").url, { method: "POST", body, headers });
      expect([answer.status, (JSON.parse(answer.body) as { error: string }).error], JSON.stringify(body)).toEqual([400, expect.stringMatching(/^empty body: expected a paquete/)]);
    }
  });
});

describe("query parameters, read strictly", () => {
  const huge = "9".repeat(6000);
  const cases: readonly (readonly [FunctionName, string, RegExp])[] = [
    ["validador", "?correct=maybe", /^query parameter "correct" must be true or false \(or 1\/0, yes\/no\), got "maybe"$/],
    ["validador", "?correct=1&correct=0", /^query parameter "correct" is given 2 times; give it once$/],
    ["validador", "?Correct=1", /^unknown query parameter "Correct"; this function takes: correct, classic$/],
    ["validador", "?__proto__=1", /^unknown query parameter "__proto__"/],
    ["validador", "?constructor", /^unknown query parameter "constructor"/],
    ["validador", "?correct[]=1", /^unknown query parameter "correct\[\]"/],
    ["validador", "?classic=%00", /^query parameter "classic" must be true or false .*got "\\u0000"$/],
    ["validador", `?correct=${huge}`, /got "9{40}"\.\.\. \(6000 characters\)$/],
    ["validador", `?${huge}=1`, /^unknown query parameter "9{40}"\.\.\. \(6000 characters\)/],
    ["generador", `?count=${huge}`, /^query parameter "count" must be a whole number from 0 to 100000, got "9{40}"\.\.\. \(6000 characters\)$/],
    ["generador", `?seed=${huge}`, /"seed" must be a whole number from 0 to 4294967295, got "9{40}"\.\.\./],
    ["generador", `?err=${huge}.${huge}x`, /"err" must be a rate from 0 to 1, such as 0\.15, got "9{40}"\.\.\. \(12002 characters\)$/],
    ["generador", "?ill=1.", /"err" and "ill" add up to 1\.1/],
    ["generador", "?count=1e3", /"count" must be a whole number/],
    ["generador", "?count=%EF%BC%91", /"count" must be a whole number .*got "\uff11"$/],
    ["generador", "?err=0x1", /"err" must be a rate/],
    ["generador", "?format=%0D%0ASet-Cookie:%20a=b", /"format" must be json or text, got "\\r\\nSet-Cookie: a=b"$/],
  ];
  test.each(cases.map(([name, query, message]) => [name, query.length > 60 ? `${query.slice(0, 40)}... (${query.length} characters)` : query, query, message] as const))(
    "%s %s → 400 naming the parameter, never the whole value",
    async (name, _label, query, message) => {
      const method = name === "validador" ? "POST" : "GET";
      const answer = await send(fn(name).url, { method, path: `/${query}`, body: method === "POST" ? "{}" : undefined, headers: { "content-type": "application/json" } });
      expect(answer.status).toBe(400);
      const error = (JSON.parse(answer.body) as { error: string }).error;
      expect(error).toMatch(message);
      expect(error.length).toBeLessThan(200);
    },
  );

  test("a rate is refused in linear time, however long (a quadratic pattern took 0.5 s for 16 KB)", () => {
    for (const value of [`${"1".repeat(100_000)}x`, `${"1".repeat(100_000)}.${"1".repeat(100_000)}x`]) {
      const started = performance.now();
      expect(() => readRequest({ err: value })).toThrow(/"err" must be a rate/);
      // Linear: well under a millisecond per 100 KB. The quadratic pattern took about 20 s here.
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});
