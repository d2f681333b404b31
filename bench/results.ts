// What a measurement reports: a figure for what is measured, the same figure for its reference
// taken in the same run, their ratio and, where the issue sets one, the target it must meet.
// Every ratio is measured / reference, so "higher is better" for rates and "lower is better"
// for latency, memory and start-up time; the target's operator says which.
import { execFileSync } from "node:child_process";
import { cpus, loadavg, release, totalmem } from "node:os";
import type { Settings } from "./settings.js";

export type Family = "decode" | "generate" | "http" | "peer" | "memory" | "coldstart";

export interface Figure {
  /** What was measured: "validador", "byte-pass floor", "baseline (same body)". */
  readonly name: string;
  readonly value: number;
  /** "entries/s", "req/s", "ms", "MB". */
  readonly unit: string;
}

export interface Target {
  readonly op: ">=" | "<=" | "<";
  readonly value: number;
}

export interface Ratio {
  /** Stable name, e.g. "decode.floor": what tests and readers of results.json look up. */
  readonly id: string;
  readonly family: Family;
  /** One line for the table and the chart. */
  readonly title: string;
  readonly measured: Figure;
  readonly reference: Figure;
  /** measured / reference: the median of the per-round ratios where there were rounds. */
  readonly ratio: number;
  /** Each round's ratio, where the two sides were measured in alternating rounds: the spread. */
  readonly rounds?: readonly number[];
  readonly target?: Target;
  /**
   * Where a request's CPU time goes, in µs, for the rows that split it (bench/parts.ts): the
   * template's (the baseline's CPU per request), the OCR core's (the core function's less the
   * baseline's) and the glue (the function's less the core function's).
   */
  readonly parts?: { readonly template: number; readonly core: number; readonly glue: number };
  /** Whether the ratio meets the target; absent without a target. */
  readonly met?: boolean;
}

export function ratio(fields: Omit<Ratio, "met">): Ratio {
  if (!fields.target) return fields;
  const { op, value } = fields.target;
  const met = op === ">=" ? fields.ratio >= value : op === "<=" ? fields.ratio <= value : fields.ratio < value;
  return { ...fields, met };
}

/** RSS figures per function server, in MB, for sizing stack.yml's limits.memory. */
export interface MemoryFigures {
  readonly idleMB: number;
  readonly afterLoadMB: number;
  /** Highest RSS (VmHWM) while serving the peak request, in a fresh process. */
  readonly peakMB: number;
  /** peakMB minus that process's idle RSS. */
  readonly peakOverIdleMB: number;
  /** What the peak request carried (the body sent, or the answer generated), in MB. */
  readonly peakRequestMB: number;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryMB: number;
  readonly os: string;
  readonly arch: string;
  /** Load averages (1, 5, 15 min) when the run started: how busy the shared machine was. */
  readonly loadAverage: readonly number[];
}

export interface Results {
  readonly date: string;
  readonly mode: Settings["mode"];
  readonly node: string;
  readonly v8: string;
  /** The commit the code was at, when run from a git checkout. */
  readonly commit?: string;
  readonly machine: Machine;
  readonly settings: Settings;
  readonly ratios: readonly Ratio[];
  readonly memory: Readonly<Record<string, MemoryFigures>>;
}

export function machine(): Machine {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? "unknown",
    cores: cores.length,
    memoryMB: Math.round(totalmem() / 2 ** 20),
    os: `${process.platform} ${release()}`,
    arch: process.arch,
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

export function gitCommit(root: string): string | undefined {
  try {
    return execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/** 1234567 → "1.23 M", 0.5 → "0.500": three significant digits, SI prefix for big numbers. */
export function formatNumber(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toPrecision(3)} M`;
  if (value >= 1e4) return `${(value / 1e3).toPrecision(3)} k`;
  return value >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

export function formatFigure(figure: Figure): string {
  return `${formatNumber(figure.value)} ${figure.unit}`;
}

export function formatRatio(value: number): string {
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}

const OP_TEXT: Readonly<Record<Target["op"], string>> = { ">=": "≥", "<=": "≤", "<": "<" };

/** A measured cell: the figure, and where it splits a request's time, its three parts. */
export function formatMeasured(r: Ratio): string {
  const figure = `${r.measured.name}: ${formatFigure(r.measured)}`;
  if (!r.parts) return figure;
  const { template, core, glue } = r.parts;
  return `${figure} (template ${formatNumber(template)} + core ${formatNumber(core)} + glue ${formatNumber(glue)} µs)`;
}

export function formatTarget(target: Target | undefined): string {
  return target ? `${OP_TEXT[target.op]} ${target.value}×` : "";
}

/** A plain-text table, one row per ratio, for stdout. */
export function table(ratios: readonly Ratio[]): string {
  const header = ["measurement", "measured", "reference", "ratio", "rounds", "target", ""];
  const rows = ratios.map((r) => [
    r.title,
    formatMeasured(r),
    `${r.reference.name}: ${formatFigure(r.reference)}`,
    formatRatio(r.ratio),
    r.rounds ? `${formatRatio(Math.min(...r.rounds))}-${formatRatio(Math.max(...r.rounds))}` : "",
    formatTarget(r.target),
    r.met === undefined ? "" : r.met ? "met" : "MISSED",
  ]);
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 3 || i === 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The RSS figures as a table, for stdout. */
export function memoryTable(memory: Readonly<Record<string, MemoryFigures>>): string {
  const header = ["RSS (MB)", "idle", "after load", "peak", "peak - idle", "peak request"];
  const rows = Object.entries(memory).map(([name, m]) => [
    name,
    ...[m.idleMB, m.afterLoadMB, m.peakMB, m.peakOverIdleMB, m.peakRequestMB].map((mb) => mb.toFixed(1)),
  ]);
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
