// Load: autocannon on loopback against both functions, started as stack.yml deploys them, with
// valid requests. 10 000 requests each (4 000 to warm up, then 3 rounds of 2 000): no errors,
// no timeouts, no answer but a 2xx with the right body. Resident memory settles: it stays under
// RSS_MAX_MB (stack.yml's limits.memory is 192Mi, the watchdog included), and at the end it is
// less than RSS_GROWTH_MB above where it was after the warm-up, so nothing leaks per request.
import autocannon from "autocannon";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RunningFunction } from "../../tools/run.js";
import { startDeployed, type FunctionName } from "../support/functions.js";
import { send } from "../support/http.js";
import { processMemory } from "../../tools/proc.js";

const CONNECTIONS = 10;
const WARM_UP = 4000;
const ROUNDS = 3;
const PER_ROUND = 2000;
/** The bounds this test states for resident memory, in MB. */
const RSS_MAX_MB = 160;
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

    const idle = processMemory(fn.pid).rssMB;
    await run(WARM_UP);
    const rss = [processMemory(fn.pid).rssMB];
    for (let round = 0; round < ROUNDS; round++) {
      measuredMs += await run(PER_ROUND);
      rss.push(processMemory(fn.pid).rssMB);
    }

    for (const result of results) {
      expect({ errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, mismatches: result.mismatches }).toEqual({ errors: 0, timeouts: 0, non2xx: 0, mismatches: 0 });
    }
    const answered = results.reduce((sum, result) => sum + result["2xx"], 0);
    expect(answered).toBe(WARM_UP + ROUNDS * PER_ROUND);
    const readings = `RSS after warm-up ${rss[0]!.toFixed(1)} MB, then ${rss.slice(1).map((mb) => mb.toFixed(1)).join(", ")} MB`;
    expect(Math.max(...rss), readings).toBeLessThan(RSS_MAX_MB);
    // RSS swings by 10-20 MB as the young generation grows and is collected: the lower of the
    // last two readings shows where it settled; a leak raises both.
    const growth = Math.min(rss.at(-1)!, rss.at(-2)!) - rss[0]!;
    expect(growth, readings).toBeLessThan(RSS_GROWTH_MB);

    const p99 = Math.max(...results.slice(1).map((result) => result.latency.p99));
    console.log(
      `${name}: ${answered} requests, ${CONNECTIONS} connections, ${Math.round((ROUNDS * PER_ROUND) / (measuredMs / 1000))} req/s after warm-up, ` +
        `p99 latency ${p99} ms; RSS idle ${idle.toFixed(1)} MB, after warm-up ${rss[0]!.toFixed(1)} MB, after each round ${rss.slice(1).map((mb) => mb.toFixed(1)).join(" / ")} MB ` +
        `(settled ${growth.toFixed(1)} MB above, bound ${RSS_GROWTH_MB} MB; peak ${Math.max(...rss).toFixed(1)} MB, bound ${RSS_MAX_MB} MB)`,
    );
  }, 120_000);
});
