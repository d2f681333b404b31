// npm run bench, in its smoke mode: it must keep working, end to end. Its figures are not
// checked against anything (timing belongs to the benchmark, not to tests), only that every
// measurement ran and gave a usable number, and that a smoke run leaves the committed results
// alone.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import type { Results } from "../bench/results.js";
import { scratchDir } from "../tools/scratch.js";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Every measurement the benchmark makes, by id. */
const IDS = [
  "decode.floor",
  "decode.original",
  "decode.objects",
  "decode.charPass",
  "decode.json",
  "correct.floor",
  "correct.original",
  "generate.floor",
  "generate.write",
  ...["validador.json", "validador.text", "generador", "router.validador.json", "router.generador"].flatMap((c) =>
    ["rps", "p50", "p99", "cpu"].map((figure) => `http.${c}.${figure}`),
  ),
  ...["validador.json", "validador.text", "generador"].map((c) => `http.${c}.glue`),
  "http.forms",
  ...["get", "text", "json"].flatMap((c) => ["rps", "p99", "cpu"].map((figure) => `peer.${c}.${figure}`)),
  ...["get", "text", "json"].flatMap((c) => ["rps", "cpu"].map((figure) => `peer.floor.${c}.${figure}`)),
  "memory.validador.idle",
  "memory.validador.afterLoad",
  "memory.generador.idle",
  "memory.generador.afterLoad",
  "memory.validador.peak",
  "memory.validador.peakVsBaseline",
  "memory.validador.peakJson",
  "memory.generador.peak",
  "coldstart.validador",
  "coldstart.generador",
];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function npmRunBench(args: readonly string[]): Promise<Run> {
  const child = spawn("npm", ["run", "bench", "--silent", "--", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

const committed = join(ROOT, "bench", "results.json");
const readCommitted = () => (existsSync(committed) ? readFileSync(committed, "utf8") : undefined);

describe("npm run bench -- --smoke", () => {
  const out = scratchDir("bench-");
  let before: string | undefined;
  let run: Run;
  let results: Results;
  beforeAll(async () => {
    before = readCommitted();
    run = await npmRunBench(["--smoke", "--out", out]);
    if (run.code === 0) results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Results;
  }, 120_000);

  test("exits 0", () => {
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
  });

  test("measures everything, and the table on stdout lists every measurement", () => {
    expect(results.ratios.map((r) => r.id).sort()).toEqual([...IDS].sort());
    for (const r of results.ratios) expect(run.stdout).toContain(r.title);
  });

  test("gives every figure as a finite positive number (a glue, a difference, may come out below 0 by noise)", () => {
    const glue = results.ratios.filter((r) => r.parts !== undefined);
    expect(glue.map((r) => r.id).sort()).toEqual(["http.generador.glue", "http.validador.json.glue", "http.validador.text.glue"]);
    for (const r of glue) {
      const { template, core, glue: rest } = r.parts!;
      for (const value of [template, core, rest, r.measured.value, r.ratio]) expect(Number.isFinite(value), `${r.id}: ${value}`).toBe(true);
      expect(template > 0 && core > 0 && r.reference.value === core && r.measured.value === rest, r.id).toBe(true);
    }
    const figures = results.ratios.filter((r) => r.parts === undefined).flatMap((r) => [r.measured.value, r.reference.value, r.ratio]);
    figures.push(...Object.values(results.memory).flatMap((m) => Object.values(m)));
    for (const value of figures) {
      expect(Number.isFinite(value) && value > 0, `${value}`).toBe(true);
    }
    expect(Object.keys(results.memory).sort()).toEqual(
      ["baseline (like generador)", "baseline (like validador)", "generador", "validador", "validador (JSON body)"].sort(),
    );
  });

  test("records the machine, the Node version and the date", () => {
    expect(results.mode).toBe("smoke");
    expect(results.machine.cpu).not.toBe("");
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.memoryMB).toBeGreaterThan(0);
    expect(results.node).toBe(process.version);
    expect(Number.isNaN(Date.parse(results.date))).toBe(false);
  });

  test("writes the chart where --out says, and leaves the committed results alone", () => {
    expect(readFileSync(join(out, "chart.svg"), "utf8")).toMatch(/^<svg [^>]*>/);
    expect(readCommitted()).toBe(before);
  });
});
