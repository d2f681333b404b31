// Cold start: from spawning a function's process (as the watchdog does) to its first
// successful answer, against the baseline built from the same template. The server is asked
// again and again from the moment it is spawned, on a port chosen beforehand, so the figure
// includes everything a first caller waits for: Node's start, imports, and the handler's own
// start-up work.
import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { packetText, render } from "../ocr/testing.js";
import { freePort } from "../tools/run.js";
import { start, stop, type FunctionSpec, type Functions } from "./functions.js";
import { ratio, type Ratio } from "./results.js";
import type { Settings } from "./settings.js";
import { alternate, median, paired } from "./stats.js";

interface Probe {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: string;
}

/** The status of one call, or undefined when nothing answers yet. */
function attempt(port: number, probe: Probe): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, method: probe.method, path: probe.path, agent: false, headers: { "content-type": "text/plain" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", () => resolve(undefined));
    req.end(probe.body);
  });
}

/** Milliseconds from spawning `spec` to its first 2xx answer to `probe`. */
async function coldStart(spec: FunctionSpec, probe: Probe): Promise<number> {
  const port = await freePort();
  const spawned = performance.now();
  const starting = start(spec, port);
  let failed: unknown;
  starting.catch((error: unknown) => (failed = error ?? new Error("start failed")));
  try {
    for (;;) {
      if (failed !== undefined) throw failed;
      const status = await attempt(port, probe);
      if (status !== undefined && status >= 200 && status < 300) return performance.now() - spawned;
      if (status !== undefined) throw new Error(`${spec.name} answered ${status} to its first call`);
      await sleep(1);
    }
  } finally {
    const fn = await starting.catch(() => undefined);
    if (fn) await stop(fn);
  }
}

export async function measureColdStart(settings: Settings, functions: Functions, log: (line: string) => void): Promise<Ratio[]> {
  const entry = packetText([render("457508000")]);
  const pairs = [
    { fn: functions.validador, probe: { method: "POST", path: "/", body: entry } },
    { fn: functions.generador, probe: { method: "GET", path: "/?count=1" } },
  ] as const;
  const ratios: Ratio[] = [];
  for (const { fn, probe } of pairs) {
    // The baseline answers the same kind of call: it receives the same body, or sends one as small.
    const baseline = functions.baselineFor(fn, 200);
    const s = await alternate(
      settings.coldStartRounds,
      { measured: () => coldStart(fn, probe), reference: () => coldStart(baseline, { ...probe, path: "/" }) },
      (round) => log(`cold start: ${fn.name}, round ${round + 1}/${settings.coldStartRounds}`),
    );
    ratios.push(
      ratio({
        id: `coldstart.${fn.name}`,
        family: "coldstart",
        title: `${fn.name}: spawn to first answer`,
        measured: { name: fn.name, value: median(s.measured), unit: "ms" },
        reference: { name: "baseline", value: median(s.reference), unit: "ms" },
        ...paired(s.measured, s.reference),
        target: { op: "<=", value: 1.2 },
      }),
    );
  }
  return ratios;
}
