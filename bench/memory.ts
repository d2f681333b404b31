// Memory: the function servers' resident set (RSS) from /proc/<pid>/status, against the
// baseline server's. VmRSS is what the process holds now; VmHWM, the most it ever held.
// - idle: started and settled, before any request; after load: after the HTTP runs (both
//   read by bench/http.ts around its runs);
// - peak: a fresh server, settled, its VmHWM reset to its RSS, then one request with a
//   peakEntries packet (validador: POSTed as text, and as JSON; generador: generating one);
//   VmHWM minus the idle RSS is what that request cost at its worst, set against the size of
//   the packet it carried.
import { existsSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { generate, packetText } from "../ocr/testing.js";
import { processMemory } from "../tools/proc.js";
import { start, stop, type FunctionSpec, type Functions } from "./functions.js";
import { ratio, type MemoryFigures, type Ratio } from "./results.js";
import type { Settings } from "./settings.js";
import { alternate, median, paired } from "./stats.js";

const MB = 2 ** 20;

/** Whether this system has /proc (Linux): without it there are no memory figures. */
export function memorySupported(): boolean {
  return existsSync("/proc/self/status");
}

/**
 * Sets the process's VmHWM back to its current RSS (Linux 4.0+; the process must be ours), so
 * that a peak read later is the peak since now, not since start-up. False when refused.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** A pause before reading an RSS, so the figure is not caught in the middle of start-up or of a request. */
export function settle(settings: Settings): Promise<void> {
  return sleep(settings.settleMs);
}

interface Peak {
  readonly idleMB: number;
  readonly peakMB: number;
  readonly overIdleMB: number;
}

/** Starts `spec` afresh, sends one request, and reads how far its RSS rose above idle. */
async function peakOf(settings: Settings, spec: FunctionSpec, request: (url: string) => Promise<Response>): Promise<Peak> {
  const fn = await start(spec);
  try {
    await settle(settings);
    // Without the reset, a start-up peak above the settled RSS would count as the request's.
    if (!resetPeak(fn.pid)) throw new Error("cannot reset the peak RSS (/proc/<pid>/clear_refs): the peak figures would include start-up");
    const idle = processMemory(fn.pid).rssMB;
    const res = await request(fn.url);
    const answer = await res.text();
    if (!res.ok) throw new Error(`${spec.name} answered ${res.status}: ${answer.slice(0, 200)}`);
    const peak = processMemory(fn.pid).hwmMB;
    return { idleMB: idle, peakMB: peak, overIdleMB: peak - idle };
  } finally {
    await stop(fn);
  }
}

export interface MemoryResults {
  readonly ratios: Ratio[];
  readonly figures: Record<string, MemoryFigures>;
}

/** RSS of a server, in MB, before and after the HTTP runs (measured there, read here). */
export interface RssAroundLoad {
  readonly idleMB: number;
  readonly afterLoadMB: number;
}

export async function measureMemory(settings: Settings, functions: Functions, rss: Readonly<Record<string, RssAroundLoad>>, log: (line: string) => void): Promise<MemoryResults> {
  const entries = settings.peakEntries;
  const contenido = generate({ count: entries, seed: 7, errRate: 0.1, illRate: 0.1 }).entries;
  const text = packetText(contenido);
  const json = `${JSON.stringify({ Id: "2Uo5aT1Kx0dRk1bWbHjEjb3mBQa", Contenido: contenido }, null, 2)}\n`;
  const textMB = Buffer.byteLength(text) / MB;
  const jsonMB = Buffer.byteLength(json) / MB;
  const post = (body: string, contentType: string) => (url: string) => fetch(url, { method: "POST", body, headers: { "content-type": contentType } });

  const validador = functions.validador;
  const validadorBaseline = functions.baselineFor(functions.validador, 0);
  // generador's answer for `entries` is the JSON form of as many entries: the same size as `json`.
  const generadorBaseline = functions.baselineFor(functions.generador, Buffer.byteLength(json));
  const get = (query: string) => (url: string) => fetch(`${url}/${query}`);
  const sides = {
    validadorText: () => peakOf(settings, validador, post(text, "text/plain")),
    baselineText: () => peakOf(settings, validadorBaseline, post(text, "text/plain")),
    validadorJson: () => peakOf(settings, validador, post(json, "application/json")),
    generador: () => peakOf(settings, functions.generador, get(`?count=${entries}`)),
    generadorBaseline: () => peakOf(settings, generadorBaseline, get("")),
  };
  const s = await alternate<keyof typeof sides, Peak>(settings.peakRounds, sides, (round) =>
    log(`memory: peak at ${entries} entries, round ${round + 1}/${settings.peakRounds}`),
  );
  const over = (peaks: readonly Peak[]) => median(peaks.map((p) => p.overIdleMB));

  const afterLoad = (name: string): Ratio[] => {
    const measured = rss[name];
    const reference = rss[`baseline (like ${name})`];
    if (!measured || !reference) throw new Error(`no RSS figures for ${name} and its baseline`);
    return [
      ratio({
        id: `memory.${name}.idle`,
        family: "memory",
        title: `${name}: RSS idle`,
        measured: { name, value: measured.idleMB, unit: "MB" },
        reference: { name: "baseline", value: reference.idleMB, unit: "MB" },
        ratio: measured.idleMB / reference.idleMB,
      }),
      ratio({
        id: `memory.${name}.afterLoad`,
        family: "memory",
        title: `${name}: RSS after the HTTP runs`,
        measured: { name, value: measured.afterLoadMB, unit: "MB" },
        reference: { name: "baseline", value: reference.afterLoadMB, unit: "MB" },
        ratio: measured.afterLoadMB / reference.afterLoadMB,
        target: { op: "<=", value: 1.15 },
      }),
    ];
  };
  const ratios: Ratio[] = [
    ...afterLoad("validador"),
    ...afterLoad("generador"),
    ratio({
      id: "memory.validador.peak",
      family: "memory",
      title: `validador: peak over idle, ${entries}-entry text`,
      measured: { name: "validador", value: over(s.validadorText), unit: "MB" },
      reference: { name: "body", value: textMB, unit: "MB" },
      ratio: over(s.validadorText) / textMB,
      target: { op: "<", value: 4 },
    }),
    ratio({
      id: "memory.validador.peakVsBaseline",
      family: "memory",
      title: `validador: peak over idle, ${entries}-entry text, vs baseline`,
      measured: { name: "validador", value: over(s.validadorText), unit: "MB" },
      reference: { name: "baseline (same body)", value: over(s.baselineText), unit: "MB" },
      ...paired(s.validadorText.map((p) => p.overIdleMB), s.baselineText.map((p) => p.overIdleMB)),
    }),
    ratio({
      id: "memory.validador.peakJson",
      family: "memory",
      title: `validador: peak over idle, ${entries}-entry JSON`,
      measured: { name: "validador", value: over(s.validadorJson), unit: "MB" },
      reference: { name: "body", value: jsonMB, unit: "MB" },
      ratio: over(s.validadorJson) / jsonMB,
    }),
    ratio({
      id: "memory.generador.peak",
      family: "memory",
      title: `generador: peak over idle, ${entries} entries`,
      measured: { name: "generador", value: over(s.generador), unit: "MB" },
      reference: { name: "answer", value: jsonMB, unit: "MB" },
      ratio: over(s.generador) / jsonMB,
    }),
  ];

  const peakFigures = (name: string, peaks: readonly Peak[], requestMB: number): MemoryFigures => {
    const around = rss[name];
    if (!around) throw new Error(`no RSS figures for ${name}`);
    return {
      idleMB: around.idleMB,
      afterLoadMB: around.afterLoadMB,
      peakMB: median(peaks.map((p) => p.peakMB)),
      peakOverIdleMB: over(peaks),
      peakRequestMB: requestMB,
    };
  };
  const figures: Record<string, MemoryFigures> = {
    validador: peakFigures("validador", s.validadorText, textMB),
    "validador (JSON body)": peakFigures("validador", s.validadorJson, jsonMB),
    generador: peakFigures("generador", s.generador, jsonMB),
    "baseline (like validador)": peakFigures("baseline (like validador)", s.baselineText, textMB),
    "baseline (like generador)": peakFigures("baseline (like generador)", s.generadorBaseline, jsonMB),
  };
  return { ratios, figures };
}
