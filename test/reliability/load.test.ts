// Load: autocannon on loopback against both functions, started as stack.yml deploys them, with
// valid requests. 10 000 requests each (2 000 to warm up, then 4 rounds of 2 000): no errors,
// no timeouts, no answer but a 2xx with the right body; and resident memory settles: after the
// warm-up it never rises RSS_GROWTH_MB above where it was, so nothing leaks per request.
import autocannon from "autocannon";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RunningFunction } from "../../tools/run.js";
import { rssMb, send, startDeployed, type FunctionName } from "./support.js";

const CONNECTIONS = 10;
const WARM_UP = 2000;
const ROUNDS = 4;
const PER_ROUND = 2000;
/** The bound this test states for memory growth after the warm-up, in MB. */
const RSS_GROWTH_MB = 30;

let generador: RunningFunction;
let validador: RunningFunction;
/** A 50-reading packet from generador, and what validador must answer for it. */
let packet: string;
let findings: string;

beforeAll(async () => {
  [generador, validador] = await Promise.all([startDeployed("generador"), startDeployed("validador")]);
  packet = (await send(generador.url, { path: "/?count=50&seed=11&key=1&err=0.2&ill=0.2" })).body;
  findings = (JSON.parse(packet) as { Key: string[] }).Key.map((line) => `${line}\n`).join("");
});
afterAll(() => {
  generador?.kill("SIGINT");
  validador?.kill("SIGINT");
});

function options(name: FunctionName, amount: number): autocannon.Options {
  if (name === "generador") {
    return {
      url: `${generador.url}/?count=20&seed=7&compact=1`,
      connections: CONNECTIONS,
      amount,
      verifyBody: (body) => (JSON.parse(String(body)) as { Contenido: unknown[] }).Contenido.length === 20,
    };
  }
  return {
    url: `${validador.url}/`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: packet,
    connections: CONNECTIONS,
    amount,
    expectBody: findings,
  };
}

describe.each(["generador", "validador"] as const)("%s under load", (name) => {
  test(`${WARM_UP + ROUNDS * PER_ROUND} valid requests: all answered 2xx and right, memory settled`, async () => {
    const fn = name === "generador" ? generador : validador;
    const results: autocannon.Result[] = [];
    let measuredMs = 0;
    const run = async (amount: number) => {
      const started = performance.now();
      results.push(await autocannon(options(name, amount)));
      return performance.now() - started;
    };

    await run(WARM_UP);
    const rss = [rssMb(fn.pid)];
    for (let round = 0; round < ROUNDS; round++) {
      measuredMs += await run(PER_ROUND);
      rss.push(rssMb(fn.pid));
    }

    for (const result of results) {
      expect({ errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, mismatches: result.mismatches }).toEqual({ errors: 0, timeouts: 0, non2xx: 0, mismatches: 0 });
    }
    const answered = results.reduce((sum, result) => sum + result["2xx"], 0);
    expect(answered).toBe(WARM_UP + ROUNDS * PER_ROUND);
    // The highest reading after the warm-up, not just the last: RSS swings as the heap is collected.
    const growth = Math.max(...rss.slice(1)) - rss[0]!;
    expect(growth, `RSS after warm-up ${rss[0]!.toFixed(1)} MB, then ${rss.slice(1).map((mb) => mb.toFixed(1)).join(", ")} MB`).toBeLessThan(RSS_GROWTH_MB);

    const p99 = Math.max(...results.slice(1).map((result) => result.latency.p99));
    console.log(
      `${name}: ${answered} requests, ${CONNECTIONS} connections, ${Math.round((ROUNDS * PER_ROUND) / (measuredMs / 1000))} req/s after warm-up, ` +
        `p99 latency ${p99} ms; RSS after warm-up ${rss[0]!.toFixed(1)} MB, after each round ${rss.slice(1).map((mb) => mb.toFixed(1)).join(" / ")} MB ` +
        `(growth ${growth.toFixed(1)} MB, bound ${RSS_GROWTH_MB} MB)`,
    );
  }, 120_000);
});
