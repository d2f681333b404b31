// What the kernel says of a running process, read from /proc (Linux only): the benchmark's and
// the memory tests' view of a function from outside, as a container's limits see it.
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessMemory {
  /** Resident memory now (VmRSS): what a container memory limit counts. */
  readonly rssMB: number;
  /** The most it has held (VmHWM). */
  readonly hwmMB: number;
}

/**
 * The CPU time a process has used so far, user and system, in ms, from /proc/<pid>/stat
 * (Linux only; the kernel counts it in ticks of 10 ms).
 */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // After the command name, in parentheses: state is field 3, utime 14 and stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`/proc/${pid}/stat has no CPU times`);
  return ticks * 10;
}

/**
 * The processes a process has started and that still run. Each of its threads keeps its own
 * list (/proc/<pid>/task/<tid>/children): a Go program such as the watchdog forks from whichever
 * thread runs the goroutine, so every thread is read. Empty once the process has gone.
 */
export function childrenOf(pid: number): number[] {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return threads.flatMap((tid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
}

/** A process's memory as the kernel reports it in /proc/<pid>/status (Linux only). */
export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string): number => {
    const kB = new RegExp(`^${name}:\\s*(\\d+) kB`, "m").exec(status)?.[1];
    if (kB === undefined) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(kB) / 1024;
  };
  return { rssMB: field("VmRSS"), hwmMB: field("VmHWM") };
}

/** Whether a process still runs: it has an entry in /proc and is not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

/** SIGKILL to a process that may have gone already. */
export function killQuietly(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone already.
  }
}
