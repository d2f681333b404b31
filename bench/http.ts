// HTTP: the functions through the template's real server, under load from autocannon (fixed
// connections and duration, 127.0.0.1 only), each against the baseline built from the same
// template answering the same kind of request: for validador a baseline that receives the
// same body with the same content type (so the same body parser runs) and answers a constant
// text of the findings' size; for generador one that answers a constant body of the same size
// and type, to the same query. Also through the local router (tools/gateway.ts) that npm start
// puts in front of them, and, for the direct calls, where each request's CPU goes
// (bench/parts.ts), beside the core function.
// The servers' RSS is read before and after the runs, for the memory figures.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { processMemory } from "../tools/proc.js";
import type { RunningFunction } from "../tools/run.js";
import { start, stop, type Functions } from "./functions.js";
import { memorySupported, settle, type RssAroundLoad } from "./memory.js";
import { fetchText, load, type Call, type Load } from "./load.js";
import { measureParts, type PartsCase } from "./parts.js";
import { ratio, type Ratio } from "./results.js";
import type { Settings } from "./settings.js";
import { alternate, median, paired } from "./stats.js";

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
  /** The core function's side, for the glue row (bench/parts.ts), and what it does. */
  readonly core?: { readonly name: string; readonly side: Side };
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
    // validador's answer, the findings: its baseline answers as many bytes.
    const findings = await fetchText({ url: validador.url, method: "POST", body: json, contentType: "application/json" });
    if (findings.split("\n").length !== count + 1) throw new Error(`validador answered ${findings.split("\n").length - 1} lines for ${count} entries`);
    const validadorBaselineSpec = functions.baselineFor(functions.validador, answerBytes, Buffer.byteLength(findings));
    const generadorBaselineSpec = functions.baselineFor(functions.generador, answerBytes);
    const validadorBaseline = await start(validadorBaselineSpec);
    const generadorBaseline = await start(generadorBaselineSpec);
    const validadorCore = await start(functions.coreFor(functions.validador));
    const generadorCore = await start(functions.coreFor(functions.generador));
    servers.push(validadorBaseline, generadorBaseline, validadorCore, generadorCore);
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
        core: { name: `decode ${count} entries (JSON)`, side: { name: "core", call: postJson(validadorCore.url), server: validadorCore } },
      },
      {
        id: "validador.text",
        title: `validador, ${count}-entry text`,
        measured: { name: "validador", call: postText(validador.url), server: validador },
        reference: { name: sameBody, call: postText(validadorBaseline.url), server: validadorBaseline },
        core: { name: `decode ${count} entries (text)`, side: { name: "core", call: postText(validadorCore.url), server: validadorCore } },
      },
      {
        id: "generador",
        title: `generador, ${count} entries`,
        measured: { name: "generador", call: get(`${generador.url}/?count=${count}`), server: generador },
        // The same query, though the baseline ignores it: the template parses it for both.
        reference: { name: sameSize, call: get(`${generadorBaseline.url}/?count=${count}`), server: generadorBaseline },
        core: { name: `draw + write ${count} entries`, side: { name: "core", call: get(`${generadorCore.url}/?count=${count}`), server: generadorCore } },
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
        reference: { name: sameSize, call: get(`${router.url}/function/baseline-generador?count=${count}`), server: generadorBaseline },
      },
    ];

    // Every call must answer as expected before any is timed.
    if (Buffer.byteLength(await fetchText(postJson(validadorBaseline.url))) !== Buffer.byteLength(findings)) throw new Error("the baseline's answer is not the size of validador's");
    if (Buffer.byteLength(await fetchText(get(generadorBaseline.url))) !== answerBytes) throw new Error("the baseline's body is not the size of generador's");
    for (const c of cases) if (c.core) await fetchText(c.core.side.call);

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
    }
    if (memorySupported()) {
      const parts = cases.flatMap((c): PartsCase[] =>
        c.core ? [{ id: c.id, title: c.title, coreName: c.core.name, fn: c.measured, core: c.core.side, baseline: c.reference }] : [],
      );
      ratios.push(...(await measureParts(settings, parts, log)));
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
