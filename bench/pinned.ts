// Servers on one CPU and the load generator on the other, while a measurement runs: whatever
// the shared machine does during a round then falls on the servers alike, and the load
// generator does not take turns with them on one CPU.
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import type { RunningFunction } from "../tools/run.js";

/** The CPUs a process may run on, as taskset lists them ("0-1"), or undefined where taskset is missing. */
function affinity(pid: number): string | undefined {
  try {
    return /:\s*(\S+)\s*$/.exec(execFileSync("taskset", ["-c", "-p", String(pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }))?.[1];
  } catch {
    return undefined;
  }
}

/** Every thread of `pid` onto `list` ("1", "0-1"). */
function pin(pid: number, list: string): void {
  execFileSync("taskset", ["-a", "-c", "-p", list, String(pid)], { stdio: "ignore" });
}

/**
 * Runs `measure` with the servers on the last CPU and this process (the load generator) on the
 * first, then puts everything back. Without taskset (not Linux) or a second CPU, unpinned.
 */
export async function pinned<T>(servers: readonly RunningFunction[], log: (line: string) => void, measure: () => Promise<T>): Promise<T> {
  const all = affinity(process.pid);
  const count = cpus().length;
  if (all === undefined || count < 2) {
    log("servers not pinned (needs taskset and 2 CPUs): rounds vary more");
    return measure();
  }
  const serverCpu = String(count - 1);
  const before = servers.map((s) => [s.pid, affinity(s.pid) ?? all] as const);
  for (const s of servers) pin(s.pid, serverCpu);
  pin(process.pid, "0");
  try {
    return await measure();
  } finally {
    pin(process.pid, all);
    for (const [pid, list] of before) pin(pid, list);
  }
}
