// Bad input, fuzzed: thousands of malformed requests (arbitraries.ts) over real HTTP to both
// functions, started as stack.yml deploys them. Every answer must be sound (support.ts): a 2xx,
// or a 4xx with a message; never a 5xx, a crash or a hang; nosniff; nothing internal; in time
// for its size. A counterexample fast-check finds belongs in corpus/ (see corpus/README.md).
import { Agent } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RunningFunction } from "../../tools/run.js";
import { generadorCall, validadorCall } from "./arbitraries.js";
import { startDeployed } from "../support/functions.js";
import { send, type Call } from "../support/http.js";
import { expectSound } from "./support.js";

/** Requests per function; docs/reliability.md states these figures. */
const RUNS = { validador: 2000, generador: 1200 } as const;

let validador: RunningFunction;
let generador: RunningFunction;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

beforeAll(async () => {
  [validador, generador] = await Promise.all([startDeployed("validador"), startDeployed("generador")]);
});
afterAll(() => {
  agent.destroy();
  validador?.kill("SIGINT");
  generador?.kill("SIGINT");
});

function describeCall(call: Call): string {
  const body = call.body === undefined ? "" : ` body ${JSON.stringify(Buffer.from(call.body).toString("latin1").slice(0, 120))}`;
  return `${call.method} ${call.path?.slice(0, 200)} ${JSON.stringify(call.headers)}${body}`;
}

describe.each([
  ["validador", () => validador, validadorCall],
  ["generador", () => generador, generadorCall],
] as const)("%s, fuzzed", (name, fn, calls) => {
  test(`${RUNS[name]} malformed requests: each answered 2xx or 4xx with a message, in time; the server lives on`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(calls, async (call) => {
        const answer = await send(fn().url, call, agent);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expectSound(answer, describeCall(call), call.method);
      }),
      { numRuns: RUNS[name] },
    );
    // Both kinds of answer were reached: the fuzzing got past the front door too (typically
    // 5-7 % of validador's requests and over 20 % of generador's are accepted).
    const count = (from: number, to: number) => [...statuses].filter(([s]) => s >= from && s < to).reduce((n, [, c]) => n + c, 0);
    expect(count(200, 300)).toBeGreaterThan(RUNS[name] / 50);
    expect(count(400, 500)).toBeGreaterThan(RUNS[name] / 4);
    console.log(`${name}: ${RUNS[name]} fuzzed requests, answers by status ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);

    // Still up, still right, and nothing logged as an error (5xx).
    const after = await send(fn().url, name === "generador" ? { path: "/?count=2&seed=1" } : { method: "POST", body: '{"Contenido":[]}', headers: { "content-type": "application/json" } });
    expect(after.status).toBe(200);
    expect(fn().output()).not.toMatch(/^error: /m);
  }, 180_000);
});
