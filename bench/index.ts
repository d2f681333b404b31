// npm run bench: how fast and lean the functions are, each figure as a ratio to a reference
// measured side by side in the same run (absolute figures drift on a shared machine; ratios
// hold). Prints a table and writes results.json and chart.svg.
//   npm run bench                          full run: writes bench/results.json, bench/chart.svg and
//                                          the results table in docs/benchmarks.md
//   npm run bench -- --smoke               seconds-long run that only proves everything works
//   npm run bench -- --out DIR             write results.json and chart.svg to DIR instead
//   npm run bench -- --only decode,http    some families only (decode, generate, http, peer,
//                                          memory, coldstart; memory runs the HTTP load it reads
//                                          after; peer: the template against the official one)
// Progress goes to stderr, the table to stdout.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chart } from "./chart.js";
import { measureColdStart } from "./coldstart.js";
import { measureDecode } from "./decode.js";
import { measureForms, measureFormsServed } from "./forms.js";
import { ROOT, buildFunctions, stopAll, type Functions } from "./functions.js";
import { measureGenerate } from "./generate.js";
import { measureHttp } from "./http.js";
import { measureMemory, memorySupported } from "./memory.js";
import { measurePeer } from "./peer.js";
import { gitCommit, machine, memoryTable, table, type MemoryFigures, type Ratio, type Results } from "./results.js";
import { writeResultsPage } from "./table.js";
import { FULL, SMOKE } from "./settings.js";

const FAMILIES = ["decode", "generate", "http", "peer", "memory", "coldstart"] as const;

const { values } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    out: { type: "string" },
    only: { type: "string" },
  },
});
const settings = values.smoke ? SMOKE : FULL;
const only = values.only?.split(",") ?? [...FAMILIES];
const unknown = only.filter((name) => !(FAMILIES as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`unknown --only ${unknown.join(",")}: choose from ${FAMILIES.join(", ")}`);
  process.exit(2);
}
const wanted = (family: (typeof FAMILIES)[number]) => only.includes(family);
// The committed results are a complete full run: a smoke run, or one of some families only,
// writes only where --out tells it to.
const outDir = values.out ?? (settings.mode === "full" && values.only === undefined ? join(ROOT, "bench") : undefined);

const log = (line: string) => console.error(line);

async function run(): Promise<Results> {
  const startedMachine = machine();
  const ratios: Ratio[] = [];
  let memory: Record<string, MemoryFigures> = {};
  if (wanted("decode")) ratios.push(...(await measureDecode(settings, log)), ...(await measureForms(settings, log)));
  if (wanted("generate")) ratios.push(...(await measureGenerate(settings, log)));
  let functions: Functions | undefined;
  const built = async () => (functions ??= await buildFunctions(log));
  if (wanted("http") || wanted("memory")) {
    const http = await measureHttp(settings, await built(), log);
    if (wanted("http")) ratios.push(...http.ratios);
    if (wanted("memory")) {
      if (memorySupported()) {
        const measured = await measureMemory(settings, await built(), http.rss, log);
        ratios.push(...measured.ratios);
        memory = measured.figures;
      } else {
        log("memory: skipped, it reads /proc/<pid>/status (Linux only)");
      }
    }
  }
  // After the memory rows read the servers the HTTP rows loaded, so that this one's load does not age them.
  if (wanted("http")) ratios.push(...(await measureFormsServed(settings, await built(), log)));
  if (wanted("peer")) ratios.push(...(await measurePeer(settings, await built(), log)));
  if (wanted("coldstart")) ratios.push(...(await measureColdStart(settings, await built(), log)));
  // Families in a fixed order whatever ran first, so tables and charts compare across runs.
  ratios.sort((a, b) => FAMILIES.indexOf(a.family) - FAMILIES.indexOf(b.family));
  const commit = gitCommit(ROOT);
  return {
    date: new Date().toISOString(),
    mode: settings.mode,
    node: process.version,
    v8: process.versions.v8,
    ...(commit ? { commit } : {}),
    machine: startedMachine,
    settings,
    ratios,
    memory,
  };
}

const stopOnSignal = () => void stopAll().then(() => process.exit(130));
process.on("SIGINT", stopOnSignal);
process.on("SIGTERM", stopOnSignal);

try {
  const results = await run();
  console.log(table(results.ratios));
  if (Object.keys(results.memory).length > 0) console.log(`\n${memoryTable(results.memory)}`);
  const missed = results.ratios.filter((r) => r.met === false).map((r) => r.id);
  console.log(`\n${results.mode} run, ${results.machine.cores} × ${results.machine.cpu}, Node ${results.node}; targets missed: ${missed.length === 0 ? "none" : missed.join(", ")}`);
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(outDir, "chart.svg"), chart(results));
    log(`wrote ${join(outDir, "results.json")} and chart.svg`);
    // The committed results: docs/benchmarks.md shows them, in a table made from them.
    if (outDir === join(ROOT, "bench")) log(`wrote ${writeResultsPage(ROOT)}`);
  }
} catch (error) {
  console.error("bench failed:", error);
  process.exitCode = 1;
} finally {
  await stopAll();
}
