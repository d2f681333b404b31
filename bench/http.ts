// HTTP: the functions through the template's real server, under load from autocannon (fixed
// connections and duration, 127.0.0.1 only), each against the baseline built from the same
// template answering the same kind of request: for validador a baseline that receives the
// same body with the same content type (so the same body parser runs) and answers a tiny
// constant; for generador one that answers a constant body of the same size and type. Also
// through the local router (tools/gateway.ts) that npm start puts in front of them.
// The servers' RSS is read before and after the runs, for the memory figures.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { processCpuMs, processMemory } from "../tools/proc.js";
import type { RunningFunction } from "../tools/run.js";
import { start, stop, type Functions } from "./functions.js";
import { memorySupported, settle, type RssAroundLoad } from "./memory.js";
import { measureCore, type CoreCosts } from "./core.js";
import { ratio, type Ratio } from "./results.js";
import type { Settings } from "./settings.js";
import { alternate, median, paired, percentile } from "./stats.js";

export interface Call {
  readonly url: string;
  readonly method: "GET" | "POST";
  readonly body?: string;
  readonly contentType?: string;
}

export interface Load {
  /** Successful responses per second. */
  readonly rps: number;
  /** Latency percentiles of the successful responses, in ms. */
  readonly p50: number;
  readonly p99: number;
  /**
   * The server's CPU time (user and system) per successful response, in µs, when its pid is
   * known and /proc can be read: steadier than req/s on a shared machine, where the load
   * generator and other tenants take turns with the server.
   */
  readonly cpu: number;
}

/** One autocannon run. Any error or non-2xx answer fails it: its figures would mean nothing. */
export function load(call: Call, seconds: number, connections: number, pid?: number): Promise<Load> {
  const latencies: number[] = [];
  const cpuAt = () => (pid !== undefined && memorySupported() ? processCpuMs(pid) : Number.NaN);
  const cpuBefore = cpuAt();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: call.url,
        method: call.method,
        ...(call.body === undefined ? {} : { body: call.body }),
        headers: call.contentType === undefined ? {} : { "content-type": call.contentType },
        connections,
        duration: seconds,
        // autocannon ends a run at its next sampling tick (1 s by default): tick often enough
        // that short runs last as long as asked.
        sampleInt: 100,
      },
      (error, result) => {
        if (error) return reject(error);
        const elapsed = (performance.now() - started) / 1000;
        if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0 || latencies.length === 0) {
          return reject(new Error(`${call.method} ${call.url}: ${latencies.length} answers, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`));
        }
        const cpu = ((cpuAt() - cpuBefore) * 1000) / latencies.length;
        resolve({ rps: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpu });
      },
    );
    // autocannon's own histogram rounds latencies to whole milliseconds; these are exact.
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

export async function fetchText(call: Call): Promise<string> {
  const res = await fetch(call.url, {
    method: call.method,
    ...(call.body === undefined ? {} : { body: call.body, headers: { "content-type": call.contentType ?? "text/plain" } }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${call.method} ${call.url} answered ${res.status}: ${text.slice(0, 200)}`);
  return text;
}

interface Router {
  readonly url: string;
  readonly process: ChildProcess;
}

function startRouter(ports: Readonly<Record<string, number>>): Promise<Router> {
  const child = spawn(process.execPath, [fileURLToPath(new URL("./router.js", import.meta.url)), JSON.stringify(ports)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk;
      const port = /router listening on (\d+)/.exec(output)?.[1];
      if (port) resolve({ url: `http://127.0.0.1:${port}`, process: child });
    });
    child.on("exit", (code) => reject(new Error(`the router exited (${code}) before listening: ${output}`)));
  });
}

interface Side {
  readonly name: string;
  readonly call: Call;
  /** The function server whose CPU time the run reads. */
  readonly server: RunningFunction;
}

interface Case {
  readonly id: string;
  readonly title: string;
  readonly measured: Side;
  readonly reference: Side;
  /** The OCR core's share of the measured side's CPU per request, for the glue row. */
  readonly core?: { readonly name: string; readonly cost: keyof CoreCosts };
}

export interface HttpResults {
  readonly ratios: Ratio[];
  /** By server: "validador", "generador", "baseline (like validador)", ... (empty without /proc). */
  readonly rss: Record<string, RssAroundLoad>;
}

export async function measureHttp(settings: Settings, functions: Functions, log: (line: string) => void): Promise<HttpResults> {
  const count = settings.packetEntries;
  const servers: RunningFunction[] = [];
  let router: Router | undefined;
  try {
    const validador = await start(functions.validador);
    const generador = await start(functions.generador);
    servers.push(validador, generador);
    // The bodies: generador's own answers (its Id makes them what a client really sends).
    const json = await fetchText({ url: `${generador.url}/?count=${count}&seed=1`, method: "GET" });
    const text = await fetchText({ url: `${generador.url}/?count=${count}&seed=1&format=text`, method: "GET" });
    const answerBytes = Buffer.byteLength(json);
    const validadorBaselineSpec = functions.baselineFor(functions.validador, answerBytes);
    const generadorBaselineSpec = functions.baselineFor(functions.generador, answerBytes);
    const validadorBaseline = await start(validadorBaselineSpec);
    const generadorBaseline = await start(generadorBaselineSpec);
    servers.push(validadorBaseline, generadorBaseline);
    const named: [string, RunningFunction][] = [
      [functions.validador.name, validador],
      [functions.generador.name, generador],
      [validadorBaselineSpec.name, validadorBaseline],
      [generadorBaselineSpec.name, generadorBaseline],
    ];
    router = await startRouter({ validador: validador.port, generador: generador.port, "baseline-validador": validadorBaseline.port, "baseline-generador": generadorBaseline.port });

    const idle: Record<string, number> = {};
    if (memorySupported()) {
      await settle(settings);
      for (const [name, fn] of named) idle[name] = processMemory(fn.pid).rssMB;
    }

    const postJson = (url: string): Call => ({ url, method: "POST", body: json, contentType: "application/json" });
    const postText = (url: string): Call => ({ url, method: "POST", body: text, contentType: "text/plain" });
    const get = (url: string): Call => ({ url, method: "GET" });
    const sameBody = "baseline (same body)";
    const sameSize = "baseline (same size)";
    const cases: Case[] = [
      {
        id: "validador.json",
        title: `validador, ${count}-entry JSON`,
        measured: { name: "validador", call: postJson(validador.url), server: validador },
        reference: { name: sameBody, call: postJson(validadorBaseline.url), server: validadorBaseline },
        core: { name: `decode ${count} entries (JSON)`, cost: "json" },
      },
      {
        id: "validador.text",
        title: `validador, ${count}-entry text`,
        measured: { name: "validador", call: postText(validador.url), server: validador },
        reference: { name: sameBody, call: postText(validadorBaseline.url), server: validadorBaseline },
        core: { name: `decode ${count} entries (text)`, cost: "text" },
      },
      {
        id: "generador",
        title: `generador, ${count} entries`,
        measured: { name: "generador", call: get(`${generador.url}/?count=${count}`), server: generador },
        reference: { name: sameSize, call: get(generadorBaseline.url), server: generadorBaseline },
        core: { name: `draw + write ${count} entries`, cost: "generate" },
      },
      {
        id: "router.validador.json",
        title: `router → validador, ${count}-entry JSON`,
        measured: { name: "validador", call: postJson(`${router.url}/function/validador`), server: validador },
        reference: { name: sameBody, call: postJson(`${router.url}/function/baseline-validador`), server: validadorBaseline },
      },
      {
        id: "router.generador",
        title: `router → generador, ${count} entries`,
        measured: { name: "generador", call: get(`${router.url}/function/generador?count=${count}`), server: generador },
        reference: { name: sameSize, call: get(`${router.url}/function/baseline-generador`), server: generadorBaseline },
      },
    ];

    // Every call must answer as expected before any is timed.
    const findings = await fetchText(postJson(validador.url));
    if (findings.split("\n").length !== count + 1) throw new Error(`validador answered ${findings.split("\n").length - 1} lines for ${count} entries`);
    if (Buffer.byteLength(await fetchText(get(generadorBaseline.url))) !== answerBytes) throw new Error("the baseline's body is not the size of generador's");

    // The core's cost per request, measured here, in the same run, on the same bodies.
    const core = memorySupported() ? await measureCore(settings, { json, text }, log) : undefined;

    const ratios: Ratio[] = [];
    for (const c of cases) {
      log(`http: ${c.title}, warming up`);
      await load(c.measured.call, settings.httpWarmupSeconds, settings.connections);
      await load(c.reference.call, settings.httpWarmupSeconds, settings.connections);
      const s = await alternate(
        settings.httpRounds,
        {
          measured: () => load(c.measured.call, settings.httpSeconds, settings.connections, c.measured.server.pid),
          reference: () => load(c.reference.call, settings.httpSeconds, settings.connections, c.reference.server.pid),
        },
        (round) => log(`http: ${c.title}, round ${round + 1}/${settings.httpRounds}`),
      );
      const figure = (name: string, loads: readonly Load[], key: keyof Load, unit: string) => ({ name, value: median(loads.map((l) => l[key])), unit });
      const pair = (key: keyof Load) => paired(s.measured.map((l) => l[key]), s.reference.map((l) => l[key]));
      const row = (key: keyof Load, what: string, unit: string, target?: { op: ">=" | "<="; value: number }) =>
        ratio({
          id: `http.${c.id}.${key}`,
          family: "http",
          title: `${c.title}: ${what}`,
          measured: figure(c.measured.name, s.measured, key, unit),
          reference: figure(c.reference.name, s.reference, key, unit),
          ...pair(key),
          ...(target ? { target } : {}),
        });
      // Through the router the router's own work is part of what is measured: the throughput
      // target stays there. Direct, the function's cost is split into its parts (glue row).
      const rpsTarget = c.core === undefined ? ({ op: ">=", value: 0.8 } as const) : undefined;
      ratios.push(row("rps", "throughput", "req/s", rpsTarget), row("p50", "p50 latency", "ms"), row("p99", "p99 latency", "ms", { op: "<=", value: 1.3 }));
      if (memorySupported()) ratios.push(row("cpu", "server CPU per request", "µs"));
      if (core !== undefined && c.core !== undefined) ratios.push(glueRow(c, s.measured, s.reference, core[c.core.cost], c.core.name));
    }

    const rss: Record<string, RssAroundLoad> = {};
    if (memorySupported()) {
      await settle(settings);
      for (const [name, fn] of named) rss[name] = { idleMB: idle[name]!, afterLoadMB: processMemory(fn.pid).rssMB };
    }
    return { ratios, rss };
  } finally {
    router?.process.kill("SIGTERM");
    await Promise.all(servers.map(stop));
  }
}

/**
 * The glue: what the function's CPU per request costs beyond the template (the baseline's CPU
 * per request, same body, same load) and beyond its core (measured in process): the function's
 * own code around the core. Per round, from that round's two CPU figures; at most 0.25× the core.
 */
function glueRow(c: Case, measured: readonly Load[], reference: readonly Load[], core: number, coreName: string): Ratio {
  const glue = measured.map((l, i) => l.cpu - reference[i]!.cpu - core);
  const template = median(reference.map((l) => l.cpu));
  const value = median(glue);
  return ratio({
    id: `http.${c.id}.glue`,
    family: "http",
    title: `${c.title}: glue (CPU − template − core) vs core`,
    measured: { name: "glue", value, unit: "µs" },
    reference: { name: coreName, value: core, unit: "µs" },
    ratio: median(glue.map((g) => g / core)),
    rounds: glue.map((g) => g / core),
    parts: { template, core, glue: value },
    target: { op: "<=", value: 0.25 },
  });
}
