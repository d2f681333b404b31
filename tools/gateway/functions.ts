// The functions behind the local gateway, as it knows them: where each listens, whether it is
// ready, what stack.yml says of it, and how many calls it has answered.
import type { StackFunction } from "../stack.js";

/** The one namespace this gateway has, OpenFaaS's default for functions. */
export const NAMESPACE = "openfaas-fn";

export interface Upstream {
  /** The port its server listens on; 0 while it is not running. */
  readonly port: number;
  /** Ready for traffic: it has written its lock file, what the watchdog's /_/health checks. */
  readonly alive: () => boolean;
  /** What stack.yml says of it; /system/* shows the rest of its status without it. */
  readonly stack?: StackFunction;
  /** The process the image runs (its fprocess). */
  readonly envProcess?: string;
  /** When its process was started. */
  readonly startedAt?: Date;
}

export interface Entry {
  readonly name: string;
  readonly upstream: Upstream;
  /** Calls it answered through this gateway since it started (invocationCount). */
  invocations: number;
}

export function isReady(fn: Entry): boolean {
  return fn.upstream.port !== 0 && fn.upstream.alive();
}
