// Where a function's CPU per request goes: the template (the baseline's CPU per request), the
// OCR core (the core function's, bench/core/, less the baseline's) and the glue (the function's
// less the core function's): what the function's own code around the core costs.
//
// The three servers take the same requests at the same time, all on one CPU, with the load
// generator on another, so that whatever the shared machine does during a round falls on all
// three alike. Measured one after the other, a function and its reference differ from one
// round to the next by more than the whole glue. The core is measured as the function runs
// it, in a server under load, not in a hot loop in process, where its code and tables stay in
// the CPU's caches: measured there it costs less, and the rest would be counted as glue.
import type { RunningFunction } from "../tools/run.js";
import { load, type Call } from "./load.js";
import { pinned } from "./pinned.js";
import { ratio, type Ratio } from "./results.js";
import type { Settings } from "./settings.js";
import { median } from "./stats.js";

export interface Server {
  readonly call: Call;
  readonly server: RunningFunction;
}

export interface PartsCase {
  readonly id: string;
  readonly title: string;
  /** What the core function does for this request, for the reference's name. */
  readonly coreName: string;
  readonly fn: Server;
  readonly core: Server;
  readonly baseline: Server;
}

export async function measureParts(settings: Settings, cases: readonly PartsCase[], log: (line: string) => void): Promise<Ratio[]> {
  const ratios: Ratio[] = [];
  for (const c of cases) {
    const sides = [c.fn, c.core, c.baseline];
    const rounds = await pinned(sides.map((s) => s.server), log, async () => {
      log(`parts: ${c.title}, warming up`);
      await Promise.all(sides.map((s) => load(s.call, settings.httpWarmupSeconds, settings.partsConnections)));
      const cpu: number[][] = [];
      for (let round = 0; round < settings.partsRounds; round++) {
        log(`parts: ${c.title}, round ${round + 1}/${settings.partsRounds}`);
        const loads = await Promise.all(sides.map((s) => load(s.call, settings.partsSeconds, settings.partsConnections, s.server.pid)));
        cpu.push(loads.map((l) => l.cpu));
      }
      return cpu;
    });
    const template = median(rounds.map(([, , baseline]) => baseline!));
    const core = median(rounds.map(([, coreFn, baseline]) => coreFn! - baseline!));
    const glues = rounds.map(([fn, coreFn]) => fn! - coreFn!);
    const glue = median(glues);
    ratios.push(
      ratio({
        id: `http.${c.id}.glue`,
        family: "http",
        title: `${c.title}: glue (CPU − template − core) vs core`,
        measured: { name: "glue", value: glue, unit: "µs" },
        reference: { name: c.coreName, value: core, unit: "µs" },
        ratio: glue / core,
        rounds: glues.map((g) => g / core),
        parts: { template, core, glue },
        target: { op: "<=", value: 0.25 },
      }),
    );
  }
  return ratios;
}
