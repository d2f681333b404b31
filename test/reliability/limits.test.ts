// Limits, on both functions as stack.yml deploys them, behind the real of-watchdog as the
// platform runs them: bodies over MAX_BODY_SIZE get their 413 whatever the client and the size,
// packets over the entry cap and empty bodies are 400s, and query parameters are read strictly,
// in linear time, without echoing huge values back. Behind the watchdog every body reaches the
// function chunked; the template alone, called with a Content-Length, is tested at the end.
import { connect } from "node:net";
import { once } from "node:events";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MAX_ENTRIES, packetText, render } from "../../ocr/testing.js";
import { parseBytes } from "../../template/node24-ts/src/config.js";
import { readRequest } from "../../generador/handler.js";
import { processMemory } from "../../tools/proc.js";
import type { RunningFunction } from "../../tools/run.js";
import type { WatchedFunction } from "../../tools/watchdog.js";
import { stackEnv, startDeployed, startWatched, stopWatched, watchdogProgram, type FunctionName } from "../support/functions.js";
import { send } from "../support/http.js";
import { bodyOf, outcomeOf, uploadThenRead, uploadWhileReading } from "../support/proxy-client.js";
import { scratchDir } from "../../tools/scratch.js";

const MiB = 1024 * 1024;
const watchdog = watchdogProgram();
const running: Partial<Record<FunctionName, WatchedFunction>> = {};
const fn = (name: FunctionName) => running[name]!;
const limitOf = (name: FunctionName): number => parseBytes("MAX_BODY_SIZE", stackEnv(name)["MAX_BODY_SIZE"] ?? "1mb");
const limitError = (name: FunctionName): string => JSON.stringify({ error: `request body is larger than the ${stackEnv(name)["MAX_BODY_SIZE"]} limit (MAX_BODY_SIZE)` });

beforeAll(async () => {
  if (!watchdog) return;
  [running.validador, running.generador] = await Promise.all([startWatched("validador"), startWatched("generador")]);
});
afterAll(() => Promise.all([stopWatched(running.validador), stopWatched(running.generador)]));

/** curl -v POSTing `size` bytes of "x" from a file, as a user would: the body, then the status. */
async function curlPost(url: string, size: number): Promise<{ stdout: string; stderr: string }> {
  const file = join(scratchDir("curl-"), "body");
  writeFileSync(file, Buffer.alloc(size, "x"));
  return promisify(execFile)("curl", ["-sS", "-v", "-o", "-", "-w", "\n%{http_code}", "-H", "Content-Type: text/plain", "--data-binary", `@${file}`, `${url}/`]);
}

const head = (method: string, headers: Record<string, string | number>) =>
  `${method} / HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("")}\r\n`;

describe.skipIf(!watchdog)("a body over MAX_BODY_SIZE, behind the watchdog", () => {
  // Both kinds of client, Content-Length and chunked, up to eight times validador's limit: the
  // function must not answer before the body has ended, or the watchdog closes the connection
  // on a client still sending.
  const cases = [20, 64, 128].flatMap((mib) => [
    ["writes all, then reads", mib, false],
    ["writes all, then reads", mib, true],
    ["reads while it sends", mib, false],
  ] as const);
  test.each(cases)("validador, a client that %s, %i MiB (chunked: %s): the 413 JSON, no reset, the function never restarted", async (kind, mib, chunked) => {
    const size = mib * MiB;
    const pid = fn("validador").functionPid();
    const result = kind === "reads while it sends" ? await uploadWhileReading(fn("validador").port, { size, chunked }) : await uploadThenRead(fn("validador").port, { size, chunked });
    expect([outcomeOf(result), result.written]).toEqual(["413", size]);
    expect("answer" in result ? bodyOf(result.answer) : result.body).toBe(limitError("validador"));
    expect(fn("validador").functionPid()).toBe(pid);
  }, 60_000);

  test("generador, a client that writes all, then reads: 4 MiB over its 16kb limit, 5 tries of 5", async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await uploadThenRead(fn("generador").port, { size: 4 * MiB, chunked: i % 2 === 1 });
      outcomes.push(`${outcomeOf(result)}${bodyOf(result.answer) === limitError("generador") ? "" : " wrong body"}`);
    }
    expect(outcomes).toEqual(Array.from({ length: 5 }, () => "413"));
  }, 60_000);

  test("curl, which sends Expect: 100-continue for a large body and reads while it sends, gets the 413 JSON", async () => {
    const { stdout, stderr } = await curlPost(fn("validador").url, 64 * MiB);
    expect(stderr).toMatch(/> Expect: 100-continue/);
    expect(stdout).toBe(`${limitError("validador")}\n413`);
  }, 60_000);

  test("a refused body is thrown away as it comes: reading 128 MiB off holds no more memory than a body at the limit would", async () => {
    const before = processMemory(fn("validador").functionPid()!).hwmMB;
    const result = await uploadThenRead(fn("validador").port, { size: 128 * MiB, chunked: true });
    expect(outcomeOf(result)).toBe("413");
    // Whatever the peak was before (a body at the limit, read and handled), 128 MiB thrown away
    // raises it by less than one limit's worth.
    expect(processMemory(fn("validador").functionPid()!).hwmMB - before).toBeLessThan(limitOf("validador") / MiB);
  }, 60_000);

  test("a client that leaves mid-body is one line in the function's log with its call id: no error, no stack, no 5xx", async () => {
    const socket = connect(fn("validador").port, "127.0.0.1");
    await once(socket, "connect");
    socket.write(head("POST", { "Content-Type": "text/plain", "Content-Length": 100_000, "X-Call-Id": "left-behind" }) + "x".repeat(1000));
    // Once the function has the first bytes, the client leaves.
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.destroy();
    await expect.poll(() => fn("validador").output()).toMatch(/^aborted: POST \/ the client left after \d+ bytes of the body call left-behind$/m);
    expect(fn("validador").output()).not.toMatch(/^error|ECONNRESET|\n\s+at /im);
  });

  test("a body at the limit is still read", async () => {
    const limit = limitOf("generador");
    const answer = await send(fn("generador").url, { method: "POST", path: "/", body: "x".repeat(limit) });
    expect(answer.status).toBe(405); // read, then refused by generador for its method: not a 413
  });
});

describe.skipIf(!watchdog)("the entry cap", () => {
  const entry = render("000000051");
  const status = async (body: string, type: string) => {
    const answer = await send(fn("validador").url, { method: "POST", body, headers: { "content-type": type } });
    return [answer.status, answer.status === 200 ? answer.body : (JSON.parse(answer.body) as { error: string }).error] as const;
  };
  const tooMany = `too many entries: the paquete has ${MAX_ENTRIES + 1}, at most ${MAX_ENTRIES} are accepted`;

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

describe.skipIf(!watchdog)("an empty or all-whitespace body answers 400 'empty body', whatever its type", () => {
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

describe.skipIf(!watchdog)("query parameters, read strictly", () => {
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

// The template itself, called with no watchdog in front (npm start, a direct call): a declared
// Content-Length decides before any of the body is read, and read_timeout bounds how long a
// body may take, as the watchdog's own read_timeout does in front of it.
describe("the function alone", () => {
  let validador: RunningFunction;
  let bounded: RunningFunction;
  beforeAll(async () => {
    // A short read_timeout, so that a stalled client is quick to show it.
    [validador, bounded] = await Promise.all([startDeployed("validador"), startDeployed("generador", { env: { read_timeout: "1s" } })]);
  });
  afterAll(() => {
    validador?.kill("SIGINT");
    bounded?.kill("SIGINT");
  });

  test.each([false, true])("a body 20 MiB over the limit, sent whole before the answer is read (chunked: %s): the 413 JSON in 5 tries of 5", async (chunked) => {
    const size = limitOf("validador") + 20 * MiB;
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await uploadThenRead(validador.port, { size, chunked });
      outcomes.push(`${outcomeOf(result)}${result.written < size ? ` after ${result.written} bytes` : ""}${bodyOf(result.answer) === limitError("validador") ? "" : " wrong body"}`);
    }
    expect(outcomes).toEqual(Array.from({ length: 5 }, () => "413"));
  }, 60_000);

  test("curl with Expect: 100-continue gets the 413 JSON", async () => {
    const { stdout, stderr } = await curlPost(validador.url, 64 * MiB);
    expect(stderr).toMatch(/> Expect: 100-continue/);
    expect(stdout).toBe(`${limitError("validador")}\n413`);
  }, 60_000);

  test("a declared Content-Length over the limit: the body is read off to its end, then answered 413, and the connection kept", async () => {
    const socket = connect(validador.port, "127.0.0.1");
    await once(socket, "connect");
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    const size = limitOf("validador") + MiB;
    socket.write(head("POST", { "Content-Type": "text/plain", "Content-Length": size }));
    socket.write(Buffer.alloc(size - 1, "x"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answer, "an answer before the body has ended").toBe("");
    socket.write("x");
    await expect.poll(() => answer).toMatch(/\}$/);
    expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(answer).not.toMatch(/\r\nConnection: close\r\n/i);
    expect(bodyOf(answer)).toBe(limitError("validador"));
    // Nothing was left unread: the same connection takes the next request.
    answer = "";
    socket.write(head("POST", { "Content-Type": "application/json", "Content-Length": 2 }) + "{}");
    await expect.poll(() => answer).toMatch(/^HTTP\/1\.1 400 /);
    socket.destroy();
  });

  test("a refused client that stops sending gets the 413 at read_timeout, and the connection is closed", async () => {
    const socket = connect(bounded.port, "127.0.0.1");
    await once(socket, "connect");
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    socket.on("error", () => {});
    const started = performance.now();
    socket.write(head("POST", { "Content-Type": "text/plain", "Content-Length": 10_000_000 }));
    socket.write(Buffer.alloc(64 * 1024, "x"));
    await once(socket, "close");
    expect(answer).toMatch(/^HTTP\/1\.1 413 [\s\S]*\r\nConnection: close\r\n/);
    expect(bodyOf(answer)).toBe(limitError("generador"));
    // read_timeout is 1 s here: closed by that bound, not by Node's own (300 s) request timeout.
    expect(performance.now() - started).toBeLessThan(10_000);
    await expect.poll(() => bounded.output()).toMatch(/^timeout: POST \/ 413 at read_timeout \(1s\), after 65536 of 10000000 bytes of the body$/m);
  }, 30_000);

  test("a stalled upload within the limit gets 408 at read_timeout, in JSON, and the connection is closed", async () => {
    const socket = connect(bounded.port, "127.0.0.1");
    await once(socket, "connect");
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    socket.on("error", () => {});
    const started = performance.now();
    socket.write(head("POST", { "Content-Type": "text/plain", "Content-Length": 1000, "X-Call-Id": "stalled-1" }) + "0123456789");
    await once(socket, "close");
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*\r\nConnection: close\r\n/);
    expect(JSON.parse(bodyOf(answer))).toEqual({ error: "the request body did not arrive within 1s (read_timeout); 10 bytes of it came" });
    expect(performance.now() - started).toBeLessThan(10_000);
    await expect.poll(() => bounded.output()).toMatch(/^timeout: POST \/ 408 at read_timeout \(1s\), after 10 of 1000 bytes of the body call stalled-1$/m);
    expect(bounded.output()).not.toMatch(/error/i);
  }, 30_000);

  test("a client that leaves mid-body is one log line with its call id: no error, no stack, no 5xx", async () => {
    for (const type of ["text/plain", "application/octet-stream"]) {
      const socket = connect(validador.port, "127.0.0.1");
      await once(socket, "connect");
      socket.write(head("POST", { "Content-Type": type, "Content-Length": 1000, "X-Call-Id": `left-${type}` }) + "0123456789");
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.destroy();
      await expect.poll(() => validador.output()).toContain(`aborted: POST / the client left after 10 of 1000 bytes of the body call left-${type}\n`);
    }
    expect(validador.output()).not.toMatch(/error|ECONNRESET|\n\s+at /i);
  });
});
