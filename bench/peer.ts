// The template against the official node22 template it replaces: the baseline function
// (bench/baseline/, a constant answer) on node24-ts, and the same handler on a peer server that
// does what the official template does per request (bench/peer/server.ts). Both answer the same
// three requests under the same load: a GET answered with a constant body of generador's size,
// and a POST of generador's 500-entry paquete as text and as JSON answered with a tiny constant.
// Ratio = node24-ts / peer. For information, the same requests against the floor of any Node
// template (bench/floor.ts: the same handler on a bare node:http server), in the same rounds.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RunningFunction } from "../tools/run.js";
import { start, stop, type Functions } from "./functions.js";
import { fetchText, load, type Call, type Load } from "./load.js";
import { memorySupported } from "./memory.js";
import { ratio, type Ratio } from "./results.js";
import type { Settings } from "./settings.js";
import { alternate, median, paired } from "./stats.js";

/**
 * Starts the peer as whoever runs the benchmark, in place: unlike the functions it has no image
 * of its own to run as the image's user (it takes Express from the repository's node_modules).
 */
function startPeer(script: string, env: Readonly<Record<string, string>>): Promise<RunningFunction> {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], {
    env: { PATH: process.env["PATH"] ?? "", http_port: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} did not start within 15 s:\n${output}`));
    }, 15_000);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk;
      const port = /listening on [^\s]*:(\d+)/.exec(output)?.[1];
      if (!port) return;
      clearTimeout(timer);
      resolve({ url: `http://127.0.0.1:${port}`, port: Number(port), pid: child.pid!, lockFile: "", output: () => output, exited, kill: (signal = "SIGTERM") => void child.kill(signal) });
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

export async function measurePeer(settings: Settings, functions: Functions, log: (line: string) => void): Promise<Ratio[]> {
  const count = settings.packetEntries;
  const generador = await start(functions.generador);
  let json: string;
  let text: string;
  try {
    json = await fetchText({ url: `${generador.url}/?count=${count}&seed=1`, method: "GET" });
    text = await fetchText({ url: `${generador.url}/?count=${count}&seed=1&format=text`, method: "GET" });
  } finally {
    await stop(generador);
  }
  const answerBytes = Buffer.byteLength(json);
  // validador's environment (its body limit): the template side reads bodies as validador does.
  const template = await start(functions.baselineFor(functions.validador, answerBytes));
  let peer: RunningFunction;
  let floor: RunningFunction;
  try {
    peer = await startPeer("./peer/server.js", { BASELINE_BODY_BYTES: String(answerBytes) });
  } catch (error) {
    await stop(template);
    throw error;
  }
  try {
    floor = await startPeer("./floor.js", { BASELINE_BODY_BYTES: String(answerBytes) });
  } catch (error) {
    await Promise.all([stop(template), stop(peer)]);
    throw error;
  }
  try {
    const cases: { id: string; title: string; call: (url: string) => Call }[] = [
      { id: "get", title: `template vs official node22: GET, ${(answerBytes / 1024).toFixed(0)} KB constant answer`, call: (url) => ({ url, method: "GET" }) },
      {
        id: "text",
        title: `template vs official node22: POST ${(Buffer.byteLength(text) / 1024).toFixed(0)} KB text, tiny answer`,
        call: (url) => ({ url, method: "POST", body: text, contentType: "text/plain" }),
      },
      {
        id: "json",
        title: `template vs official node22: POST ${(answerBytes / 1024).toFixed(0)} KB JSON, tiny answer`,
        call: (url) => ({ url, method: "POST", body: json, contentType: "application/json" }),
      },
    ];
    // Both sides must answer the same before anything is timed.
    for (const c of cases) {
      const [ours, theirs, floors] = [await fetchText(c.call(template.url)), await fetchText(c.call(peer.url)), await fetchText(c.call(floor.url))];
      if (ours !== theirs || ours !== floors) throw new Error(`${c.title}: the template, the peer and the floor answer differently`);
    }
    const ratios: Ratio[] = [];
    for (const c of cases) {
      log(`peer: ${c.title}, warming up`);
      await load(c.call(template.url), settings.httpWarmupSeconds, settings.connections);
      await load(c.call(peer.url), settings.httpWarmupSeconds, settings.connections);
      await load(c.call(floor.url), settings.httpWarmupSeconds, settings.connections);
      const s = await alternate(
        settings.httpRounds,
        {
          measured: () => load(c.call(template.url), settings.httpSeconds, settings.connections, template.pid),
          reference: () => load(c.call(peer.url), settings.httpSeconds, settings.connections, peer.pid),
          floor: () => load(c.call(floor.url), settings.httpSeconds, settings.connections, floor.pid),
        },
        (round) => log(`peer: ${c.title}, round ${round + 1}/${settings.httpRounds}`),
      );
      const row = (key: keyof Load, what: string, unit: string, target: { op: ">=" | "<="; value: number }) =>
        ratio({
          id: `peer.${c.id}.${key}`,
          family: "peer",
          title: `${c.title}: ${what}`,
          measured: { name: "node24-ts", value: median(s.measured.map((l) => l[key])), unit },
          reference: { name: "official node22", value: median(s.reference.map((l) => l[key])), unit },
          ...paired(
            s.measured.map((l) => l[key]),
            s.reference.map((l) => l[key]),
          ),
          target,
        });
      ratios.push(row("rps", "throughput", "req/s", { op: ">=", value: 1 }), row("p99", "p99 latency", "ms", { op: "<=", value: 1.1 }));
      if (memorySupported()) ratios.push(row("cpu", "server CPU per request", "µs", { op: "<=", value: 1 }));
      const floorRow = (key: "rps" | "cpu", what: string, unit: string) =>
        ratio({
          id: `peer.floor.${c.id}.${key}`,
          family: "peer",
          title: `${c.title.replace("template vs official node22", "template vs bare node:http (the floor)")}: ${what}`,
          measured: { name: "node24-ts", value: median(s.measured.map((l) => l[key])), unit },
          reference: { name: "bare node:http", value: median(s.floor.map((l) => l[key])), unit },
          ...paired(
            s.measured.map((l) => l[key]),
            s.floor.map((l) => l[key]),
          ),
        });
      ratios.push(floorRow("rps", "throughput", "req/s"));
      if (memorySupported()) ratios.push(floorRow("cpu", "server CPU per request", "µs"));
    }
    return ratios;
  } finally {
    await Promise.all([stop(template), stop(peer), stop(floor)]);
  }
}
