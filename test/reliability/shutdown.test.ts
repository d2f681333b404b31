// Shutdown and crashes under load. SIGTERM while requests pour in, to the function alone and to
// the real watchdog in front of it (which forwards it): every request is answered (the load ends
// inside the drain window), the process exits 0 once the window is over. And a
// handler that throws on some requests answers those 500 while the rest, and the next ones,
// are answered as usual.
import { existsSync } from "node:fs";
import { Agent } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { expect, inject, test } from "vitest";
import { generate, textBytes } from "../../ocr/testing.js";
import { isRunning } from "../../tools/proc.js";
import { startFunction } from "../../tools/run.js";
import { startDeployed, startWatched, watchdogProgram } from "../support/functions.js";
import { send, type Call } from "../support/http.js";

interface Tally {
  sent: number;
  /** 2xx with the expected body. */
  right: number;
  /** Anything else that came back. */
  wrong: string[];
  /** Requests that got no answer at all (connection refused or reset, timeout). */
  failed: string[];
  /** Answers asking the client to close the connection (sent while draining). */
  closing: number;
}

/**
 * Sends `call` from `connections` concurrent clients (keep-alive, as a gateway does) until
 * `until` (a performance.now() time), counting every request sent and what became of it.
 * Unlike autocannon, it honours Connection: close and counts a request that was never answered.
 */
async function load(url: string, call: Call, expected: string, connections: number, until: number): Promise<Tally> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const tally: Tally = { sent: 0, right: 0, wrong: [], failed: [], closing: 0 };
  const client = async () => {
    while (performance.now() < until) {
      tally.sent++;
      try {
        const answer = await send(url, call, agent);
        if (answer.status >= 200 && answer.status < 300 && answer.body === expected) tally.right++;
        else tally.wrong.push(`${answer.status} ${answer.body.slice(0, 100)}`);
        if (answer.headers.connection === "close") tally.closing++;
      } catch (error) {
        tally.failed.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  agent.destroy();
  return tally;
}

const DRAIN_MS = 3000;

test("SIGTERM under load: every request answered, exit 0 once the drain window is over", async () => {
  const generador = await startDeployed("generador");
  const validador = await startDeployed("validador", { env: { drain_timeout: `${DRAIN_MS}ms` } });
  const packet = (await send(generador.url, { path: "/?count=30&seed=3&key=1" })).body;
  generador.kill("SIGINT");
  const findings = (JSON.parse(packet) as { Key: string[] }).Key.map((line) => `${line}\n`).join("");
  const call: Call = { method: "POST", body: packet, headers: { "content-type": "text/plain" } };

  // 2 s of load; SIGTERM after 0.5 s: the last 1.5 s of load falls inside the 3 s window.
  const started = performance.now();
  const running = load(validador.url, call, findings, 8, started + 2000);
  await sleep(500);
  const signalled = performance.now();
  validador.kill("SIGTERM");
  await expect.poll(() => existsSync(validador.lockFile), { timeout: 1000 }).toBe(false);
  const tally = await running;
  const { code, signal } = await validador.exited;
  const elapsed = performance.now() - signalled;

  expect(tally.failed).toEqual([]);
  expect(tally.wrong).toEqual([]);
  expect(tally.right).toBe(tally.sent);
  expect(tally.closing, "answers while draining ask the client to close").toBeGreaterThan(0);
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  expect(elapsed).toBeGreaterThanOrEqual(DRAIN_MS);
  expect(elapsed, "exits soon after the window, not at the 15 s write_timeout").toBeLessThan(DRAIN_MS + 4000);
  expect(validador.output()).toMatch(/shutdown: SIGTERM, answering for 3000ms more\n[\s\S]*shutdown: done/);
  console.log(
    `SIGTERM under load: ${tally.sent} requests from 8 clients over 2 s, ${tally.closing} answered while draining ` +
      `(Connection: close), none failed; exit 0 ${Math.round(elapsed)} ms after SIGTERM (drain window ${DRAIN_MS} ms)`,
  );
}, 30_000);

test.skipIf(!watchdogProgram())("behind the watchdog, SIGTERM under load: every request answered, /_/health 503 at once, the watchdog exits 0 once the drain window is over and the function is gone", async () => {
  // healthcheck_interval: how long the watchdog keeps routing after SIGTERM, and so the function's
  // drain window (stack.yml leaves it at write_timeout, 30 s).
  const validador = await startWatched("validador", { env: { healthcheck_interval: `${DRAIN_MS}ms` } });
  const generated = generate({ count: 30, seed: 3, errRate: 0.2, illRate: 0.2 });
  const packet = Buffer.from(textBytes(generated)).toString("latin1");
  const findings = `${generated.key.join("\n")}\n`;
  const call: Call = { method: "POST", body: packet, headers: { "content-type": "text/plain" } };
  const functionPid = validador.functionPid()!;

  const started = performance.now();
  const running = load(validador.url, call, findings, 8, started + 2000);
  await sleep(500);
  const signalled = performance.now();
  validador.kill("SIGTERM");
  await expect.poll(() => fetch(`${validador.url}/_/health`).then((res) => res.status), { timeout: 1000, interval: 20 }).toBe(503);
  const tally = await running;
  const { code, signal } = await validador.exited;
  const elapsed = performance.now() - signalled;

  expect(tally.failed).toEqual([]);
  expect(tally.wrong).toEqual([]);
  expect(tally.right).toBe(tally.sent);
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  expect(elapsed).toBeGreaterThanOrEqual(DRAIN_MS);
  expect(elapsed, "exits soon after the window, not at the 30 s write_timeout").toBeLessThan(DRAIN_MS + 4000);
  // The function was told too (what it logs after the watchdog has gone is lost with the
  // watchdog's pipes, as in a container), drained, and is gone.
  expect(validador.output()).toMatch(/shutdown: SIGTERM, answering for 3000ms more\n/);
  await expect.poll(() => isRunning(functionPid), { timeout: 5000 }).toBe(false);
  console.log(`behind the watchdog, SIGTERM under load: ${tally.sent} requests from 8 clients over 2 s, none failed; the watchdog exited 0 ${Math.round(elapsed)} ms after SIGTERM (healthcheck_interval ${DRAIN_MS} ms)`);
}, 30_000);

test("a handler that throws on every other request, under load: those answer 500, the others 200, the server lives on", async () => {
  const echo = await startFunction(inject("images")["echo"]!);
  const result = await autocannon({ url: echo.url, connections: 10, amount: 4000, requests: [{ path: "/throw" }, { path: "/text" }] });
  const count = (status: "200" | "500") => result.statusCodeStats?.[status]?.count ?? 0;

  expect({ errors: result.errors, timeouts: result.timeouts }).toEqual({ errors: 0, timeouts: 0 });
  expect(count("200") + count("500")).toBe(4000);
  expect(count("500")).toBeGreaterThan(1500);
  expect(count("200")).toBeGreaterThan(1500);
  // Each crash is logged once, with no stack reaching the client (see test/template/http.test.ts).
  await expect.poll(() => echo.output().match(/^error: GET \/throw 500/gm)?.length ?? 0).toBe(count("500"));
  const after = await send(echo.url, { path: "/text" });
  expect([after.status, after.body]).toEqual([200, "plain words"]);
  expect(existsSync(echo.lockFile)).toBe(true);
  echo.kill("SIGINT");
  expect(await echo.exited).toEqual({ code: 0, signal: null });
}, 30_000);
