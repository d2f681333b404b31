// The nastiest requests found so far, kept as regression tests: one JSON file per case in
// corpus/ (the format is in corpus/README.md), sent through the real of-watchdog as the platform
// runs the functions. Each answer must be sound (support.ts) and what the case expects.
import { readdirSync, readFileSync } from "node:fs";
import { Agent } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RunningFunction } from "../../tools/run.js";
import { startDeployed, startWatched, stopWatched, watchdogProgram, type FunctionName } from "../support/functions.js";
import { send, type Call } from "../support/http.js";
import { expectSound } from "./support.js";

/** A string, bytes in base64, a string repeated, or a list of those joined. */
type Part = string | { readonly base64: string } | { readonly repeat: string; readonly times: number };
type Spec = Part | readonly Part[];

interface Case {
  readonly about: string;
  readonly function: FunctionName;
  readonly request: { readonly method?: string; readonly path?: Spec; readonly headers?: Record<string, string>; readonly body?: Spec };
  readonly expect: {
    readonly status: number;
    /** A pattern the JSON error message must match. */
    readonly error?: string;
    /** The exact body. */
    readonly body?: string;
    /** A pattern the body must match (the s flag: . matches line ends). */
    readonly bodyMatches?: string;
  };
}

function bytesOf(spec: Spec): Buffer {
  const parts: readonly Part[] = Array.isArray(spec) ? spec : [spec as Part];
  return Buffer.concat(
    parts.map((part) => {
      if (typeof part === "string") return Buffer.from(part);
      if ("base64" in part) return Buffer.from(part.base64, "base64");
      return Buffer.from(part.repeat.repeat(part.times));
    }),
  );
}

const dir = new URL("corpus/", import.meta.url);
const cases = readdirSync(dir)
  .filter((file) => file.endsWith(".json"))
  .sort()
  .map((file) => [file.replace(/\.json$/, ""), JSON.parse(readFileSync(new URL(file, dir), "utf8")) as Case] as const);

const watchdog = watchdogProgram();
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
afterAll(() => agent.destroy());

test("the corpus holds the cases it should", () => {
  expect(cases.length).toBeGreaterThanOrEqual(25);
  for (const [name, c] of cases) {
    expect(typeof c.about, name).toBe("string");
    expect(["validador", "generador"], name).toContain(c.function);
  }
});

// Behind the watchdog, as the platform runs them; and alone, as npm start runs them.
describe.each([
  ["behind the watchdog", true],
  ["alone", false],
])("%s", (_where, behind) => {
  const running: Partial<Record<FunctionName, RunningFunction>> = {};
  const stops: (() => Promise<void>)[] = [];
  const start = async (name: FunctionName) => {
    if (behind) {
      const fn = await startWatched(name);
      stops.push(() => stopWatched(fn));
      running[name] = fn;
    } else {
      const fn = await startDeployed(name);
      stops.push(async () => void fn.kill("SIGINT"));
      running[name] = fn;
    }
  };
  beforeAll(async () => {
    if (behind && !watchdog) return;
    await Promise.all([start("validador"), start("generador")]);
  });
  afterAll(() => Promise.all(stops.map((stop) => stop())));

  test.skipIf(behind && !watchdog).each(cases)("%s", async (_name, c) => {
    const call: Call = {
      method: c.request.method ?? (c.request.body === undefined ? "GET" : "POST"),
      path: c.request.path === undefined ? "/" : bytesOf(c.request.path).toString("latin1"),
      headers: c.request.headers ?? {},
      body: c.request.body === undefined ? undefined : bytesOf(c.request.body),
    };
    const answer = await send(running[c.function]!.url, call, agent);
    expectSound(answer, c.about, call.method);
    expect(answer.status, `${c.about}: ${answer.body.slice(0, 300)}`).toBe(c.expect.status);
    if (c.expect.error !== undefined) expect((JSON.parse(answer.body) as { error: string }).error).toMatch(new RegExp(c.expect.error));
    if (c.expect.body !== undefined) expect(answer.body).toBe(c.expect.body);
    if (c.expect.bodyMatches !== undefined) expect(answer.body).toMatch(new RegExp(c.expect.bodyMatches, "s"));
    // Nothing a case sends takes the server down or poisons the next request.
    const next = await send(running[c.function]!.url, c.function === "generador" ? { path: "/?count=1&seed=5" } : { method: "POST", body: "{}", headers: { "content-type": "application/json" } }, agent);
    expect(next.status).toBe(c.function === "generador" ? 200 : 400);
    if (c.function === "validador") expect(next.body).toBe('{"error":"missing \\"Contenido\\": expected {\\"Id\\": \\"...\\", \\"Contenido\\": [[line1, line2, line3], ...]}"}');
  }, 60_000);
});
