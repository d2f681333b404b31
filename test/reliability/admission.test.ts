// The memory budget for request bodies (template/node24-ts/src/budget.ts, admission.ts), on
// validador as stack.yml deploys it, with MEMORY_LIMIT set: that env var stands in for the
// container's memory limit (process.constrainedMemory()), which a process started here does not
// have. The budget's arithmetic is the same; what differs is that nothing here would kill the
// process past it. The container test (the real image under --memory) proves that. First
// behind the real watchdog, as the platform runs it (every body chunked), then the template
// alone, with the Content-Length a direct client sends.
import { connect, type Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generate, jsonBytes, packetText, render, textBytes } from "../../ocr/testing.js";
import { processMemory } from "../../tools/proc.js";
import type { RunningFunction } from "../../tools/run.js";
import type { WatchedFunction } from "../../tools/watchdog.js";
import { startDeployed, startWatched, stopWatched, watchdogProgram } from "../support/functions.js";
import { send } from "../support/http.js";
import { bodyOf, outcomeOf, uploadThenRead, uploadWhileReading, type StreamedResult, type UploadResult } from "../support/proxy-client.js";

describe.skipIf(!watchdogProgram())("behind the watchdog, 16 paquetes of 100 000 entries at once, under stack.yml's limits.memory", () => {
  // 192mb is validador's limits.memory in stack.yml: with its headroom and factor, about two
  // such paquetes fit at a time.
  const generated = generate({ count: 100_000, seed: 19, errRate: 0.1, illRate: 0.1 });
  const findings = `${generated.key.join("\n")}\n`;
  const forms = (["JSON", "text"] as const).flatMap((form) =>
    (["writes all, then reads", "reads while it sends"] as const).map((kind) => ({ form, type: form === "JSON" ? "application/json" : "text/plain", kind })),
  );

  let watched: WatchedFunction;
  let pid: number | undefined;
  beforeAll(async () => {
    watched = await startWatched("validador", { env: { MEMORY_LIMIT: "192mb" } });
    pid = watched.functionPid();
  });
  afterAll(() => stopWatched(watched));

  test.each(forms)("$form paquetes from a client that $kind: each answered 200 with its findings or 503 + Retry-After, none lost, the function never restarted", async ({ form, type, kind }) => {
    const body = Buffer.from(type === "text/plain" ? textBytes(generated) : jsonBytes(generated, { id: "carga", indent: true, key: false }));
    const upload = { size: body.length, body, chunked: false, headers: { "Content-Type": type } };
    const results: (UploadResult | StreamedResult)[] = await Promise.all(
      Array.from({ length: 16 }, () => (kind === "reads while it sends" ? uploadWhileReading(watched.port, upload) : uploadThenRead(watched.port, upload))),
    );
    const seen = results.map((result) => {
      const outcome = outcomeOf(result);
      const answerBody = "answer" in result ? bodyOf(result.answer) : result.body;
      const retryAfter = "answer" in result ? /\r\nRetry-After: (\d+)\r\n/i.exec(result.answer)?.[1] : result.headers["retry-after"];
      if (outcome === "200") return answerBody === findings ? "200" : "200 with wrong findings";
      if (outcome === "503") return retryAfter === "1" && /^\{"error":"busy: a body of \d+\.\d MB so far needs at least/.test(answerBody) ? "503" : `503 ${retryAfter} ${answerBody.slice(0, 100)}`;
      return outcome;
    });
    const count = (what: string) => seen.filter((outcome) => outcome === what).length;
    // What a container's memory limit would count, so far: both processes' peaks (reported, not
    // asserted: the container test holds the real limit).
    const peak = processMemory(watched.functionPid()!).hwmMB + processMemory(watched.pid).hwmMB;
    console.log(`16 concurrent ${form} paquetes of ${(body.length / 1e6).toFixed(1)} MB (${kind}) behind the watchdog, MEMORY_LIMIT=192mb: ${count("200")} x 200, ${count("503")} x 503; peak so far ${peak.toFixed(0)} MiB (function + watchdog)`);
    expect(count("200") + count("503"), seen.join(", ")).toBe(16);
    expect(count("200")).toBeGreaterThanOrEqual(1);
    expect(count("503")).toBeGreaterThanOrEqual(1);
    expect(watched.functionPid()).toBe(pid);
    // Refusals are no errors: nothing in the function's log.
    expect(watched.output()).not.toMatch(/^error/m);
  }, 120_000);
});

let validador: RunningFunction;
/** Memory the function has for bodies, as it logged at start-up, in bytes. */
let total: number;
const EXPANSION = 3.5;

beforeAll(async () => {
  validador = await startDeployed("validador", { env: { MEMORY_LIMIT: "150mb", MEMORY_HEADROOM: "64mb", BODY_MEMORY_FACTOR: String(EXPANSION) } });
  const logged = /memory for request bodies: (\d+\.\d) MB/.exec(validador.output())?.[1];
  total = Number(logged) * 1024 * 1024;
});
afterAll(() => validador?.kill("SIGINT"));

const entry = render("000000051");
/** A text paquete of about `bytes` (each entry is 4 lines of 28 bytes). */
const paqueteOf = (bytes: number) => packetText(Array.from({ length: Math.floor(bytes / 112) }, () => entry));

/**
 * A request whose body arrives slowly: its head (with Expect: 100-continue, so the server says
 * when it has taken the request in) and a share of its body (half by default) now, the rest when
 * asked. Meanwhile its reservation is held (all of it for a Content-Length the function sees;
 * what has come so far for a chunked body, as behind the watchdog).
 */
async function holdOpen(port: number, body: Buffer, share = 0.5): Promise<{ finish: () => Promise<string> }> {
  const socket: Socket = connect(port, "127.0.0.1");
  let answer = "";
  socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
  const closed = new Promise((resolve) => socket.on("close", resolve));
  socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
  await expect.poll(() => answer, { timeout: 5000 }).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
  answer = "";
  const half = Math.floor(body.length * share);
  await new Promise((resolve) => socket.write(body.subarray(0, half), resolve));
  return {
    finish: async () => {
      socket.write(body.subarray(half));
      await closed;
      return answer;
    },
  };
}

describe.skipIf(!watchdogProgram())("behind the watchdog, a body of 128 MiB while the budget is taken", () => {
  test("gets 503 + Retry-After, whichever the client, with every byte sent; the body in flight is answered in full", async () => {
    const watched = await startWatched("validador", { env: { MEMORY_LIMIT: "150mb", MEMORY_HEADROOM: "64mb", BODY_MEMORY_FACTOR: String(EXPANSION) } });
    try {
      const budget = Number(/memory for request bodies: (\d+\.\d) MB/.exec(watched.output())?.[1]) * 1024 * 1024;
      const pid = watched.functionPid();
      // Three quarters of a body that needs 90% of the budget have come: the rest is too little
      // for even a body at MAX_BODY_SIZE, so the 128 MiB are refused for memory (503), not size.
      const large = Math.floor((0.9 * budget) / EXPANSION);
      const first = await holdOpen(watched.port, Buffer.from(paqueteOf(large)), 0.75);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const size = 128 * 1024 * 1024;
      for (const result of [await uploadThenRead(watched.port, { size, chunked: false }), await uploadWhileReading(watched.port, { size, chunked: true })]) {
        expect([outcomeOf(result), result.written]).toEqual(["503", size]);
        const retryAfter = "answer" in result ? /\r\nRetry-After: (\d+)\r\n/i.exec(result.answer)?.[1] : result.headers["retry-after"];
        const body = "answer" in result ? bodyOf(result.answer) : result.body;
        expect(retryAfter).toBe("1");
        expect((JSON.parse(body) as { error: string }).error).toMatch(/^busy: a body of \d+\.\d MB so far needs at least/);
      }
      const answer = await first.finish();
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(bodyOf(answer)).toBe("000000051 OK\n".repeat(Math.floor(large / 112)));
      expect(watched.functionPid()).toBe(pid);
    } finally {
      await stopWatched(watched);
    }
  }, 60_000);
});

describe("request bodies are admitted within the memory budget", () => {
  test("the budget is the override minus the idle use and the headroom", () => {
    // 150 MB - 64 MB of headroom - an idle validador (40 to 80 MB).
    expect(total).toBeGreaterThan(6 * 1024 * 1024);
    expect(total).toBeLessThan(46 * 1024 * 1024);
  });

  test.each([false, true])(
    "a large body that does not fit beside one in flight gets 503 + Retry-After, read off whole, never a reset (chunked: %s); small ones still pass; it fits afterwards",
    async (chunked) => {
      // Each large body takes 60% of the budget: one fits, two do not.
      const large = Math.floor((0.6 * total) / EXPANSION);
      const first = await holdOpen(validador.port, Buffer.from(paqueteOf(large)));

      const refused = await uploadThenRead(validador.port, { size: large, chunked });
      expect([refused.error, refused.written]).toEqual([undefined, large]);
      expect(refused.answer).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
      expect(refused.answer).toMatch(/\r\nRetry-After: 1\r\n/i);
      expect(refused.answer).toMatch(/\r\nContent-Type: application\/json; charset=utf-8\r\n/i);
      const message = (JSON.parse(bodyOf(refused.answer)) as { error: string }).error;
      expect(message).toMatch(/^busy: a body of \d+\.\d MB (needs about|so far needs at least) \d+\.\d MB of memory while it is read and handled, and only \d+\.\d MB of the \d+\.\d MB this function has for request bodies is free now; retry in a moment/);

      // A small paquete still fits in what is left.
      const small = await send(validador.url, { method: "POST", body: paqueteOf(2000), headers: { "content-type": "text/plain" } });
      expect([small.status, small.body]).toEqual([200, "000000051 OK\n".repeat(17)]);

      // The first is read and answered in full.
      const answer = await first.finish();
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(bodyOf(answer)).toBe("000000051 OK\n".repeat(Math.floor(large / 112)));

      // Its memory is given back: the same large body now fits.
      const again = await send(validador.url, { method: "POST", body: paqueteOf(large), headers: { "content-type": "text/plain" } });
      expect(again.status).toBe(200);
    },
    60_000,
  );

  test("a body that could never fit the budget gets 413 naming the memory, before it is read", async () => {
    const size = Math.ceil(total / EXPANSION) + 1024 * 1024;
    const { answer, written, error } = await uploadThenRead(validador.port, { size, chunked: false });
    expect([error, written]).toEqual([undefined, size]);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect((JSON.parse(bodyOf(answer)) as { error: string }).error).toMatch(/more than this function has for request bodies \(\d+\.\d MB; MEMORY_LIMIT, MEMORY_HEADROOM\)$/);
  });

  test("a refusal is text for a client that asks for text/plain", async () => {
    const size = Math.ceil(total / EXPANSION) + 1024 * 1024;
    const { answer } = await uploadThenRead(validador.port, { size, chunked: true, headers: { Accept: "text/plain" } });
    expect(answer).toMatch(/^HTTP\/1\.1 413 [\s\S]*\r\nContent-Type: text\/plain; charset=utf-8\r\n/i);
    expect(bodyOf(answer)).toMatch(/^a body of \d+\.\d MB so far needs at least .*; MEMORY_LIMIT, MEMORY_HEADROOM\)\n$/);
  });

  test("an encoded body is counted at MAX_BODY_SIZE, the most it may inflate to, and says so", async () => {
    const body = gzipSync(paqueteOf(2000));
    const answer = await send(validador.url, { method: "POST", body, headers: { "content-type": "text/plain", "content-encoding": "gzip" } });
    // Here 16 MB at 3.5x is more than the whole budget: such a body could never be read.
    expect(answer.status).toBe(413);
    expect((JSON.parse(answer.body) as { error: string }).error).toMatch(
      /^an encoded body \(Content-Encoding\), counted at the 16\.0 MB it may inflate to \(MAX_BODY_SIZE\), needs about 56\.0 MB of memory while it is read and handled, more than this function has/,
    );
  });

  test("after all this, nothing is held: a large body fits again, and no error was logged", async () => {
    const answer = await send(validador.url, { method: "POST", body: paqueteOf(Math.floor((0.9 * total) / EXPANSION)), headers: { "content-type": "text/plain" } });
    expect(answer.status).toBe(200);
    expect(validador.output()).not.toMatch(/error/i);
  });
});
