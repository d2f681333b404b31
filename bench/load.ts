// One load run: autocannon against one URL (fixed connections and duration, 127.0.0.1 only),
// with the answers' exact latencies and, when the server's pid is known, its CPU per answer.
import autocannon from "autocannon";
import { processCpuMs } from "../tools/proc.js";
import { memorySupported } from "./memory.js";
import { percentile } from "./stats.js";

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

/**
 * One autocannon run. Any error or non-2xx answer fails it: its figures would mean nothing.
 * Given several calls to one server, each connection makes them in turn.
 */
export function load(calls: Call | readonly [Call, ...Call[]], seconds: number, connections: number, pid?: number): Promise<Load> {
  const call = "url" in calls ? calls : calls[0];
  // autocannon sends every request of a run to the run's url.
  if (!("url" in calls) && calls.some((c) => c.url !== call.url)) throw new Error(`one load run, one server: ${calls.map((c) => c.url).join(", ")}`);
  const turns = "url" in calls ? undefined : calls.map((c) => ({ method: c.method, ...(c.body === undefined ? {} : { body: c.body }), headers: headersOf(c) }));
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
        headers: headersOf(call),
        ...(turns === undefined ? {} : { requests: turns }),
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

const headersOf = (call: Call): Record<string, string> => (call.contentType === undefined ? {} : { "content-type": call.contentType });

export async function fetchText(call: Call): Promise<string> {
  const res = await fetch(call.url, {
    method: call.method,
    ...(call.body === undefined ? {} : { body: call.body, headers: { "content-type": call.contentType ?? "text/plain" } }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${call.method} ${call.url} answered ${res.status}: ${text.slice(0, 200)}`);
  return text;
}
