// The function servers the benchmark runs: generador and validador as their images would be
// built (tools/image.ts), each started as the watchdog starts it (tools/run.ts) with its
// stack.yml environment, and built from the same template the baseline (bench/baseline/) and
// the core function (bench/core/).
// Every server started here is stopped by stopAll(), whatever happens to the run.
import { fileURLToPath } from "node:url";
import { ensureImage, type Image } from "../tools/image.js";
import { startFunction, type RunningFunction } from "../tools/run.js";
import { readStack } from "../tools/stack.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

export interface FunctionSpec {
  /** For logs and errors: "validador", "baseline (like generador)". */
  readonly name: string;
  readonly image: Image;
  /** Set on top of the image's environment. */
  readonly env: Readonly<Record<string, string>>;
}

export interface Functions {
  readonly validador: FunctionSpec;
  readonly generador: FunctionSpec;
  /**
   * The baseline standing in for `counterpart`: the same stack environment (body limit,
   * timeouts), answering GET with a constant body of `bodyBytes` bytes, and POST with a
   * constant text of `postBytes` bytes when given (a tiny constant otherwise).
   */
  readonly baselineFor: (counterpart: FunctionSpec, bodyBytes: number, postBytes?: number) => FunctionSpec;
  /** The core function standing in for `counterpart`: its environment, its core call alone. */
  readonly coreFor: (counterpart: FunctionSpec) => FunctionSpec;
}

/** Builds the four functions' images, or reuses them when nothing they are built from changed. */
export async function buildFunctions(log: (line: string) => void): Promise<Functions> {
  const stack = readStack(`${ROOT}/stack.yml`);
  const copy = stack.configuration?.copy ?? [];
  const spec = async (name: "validador" | "generador"): Promise<FunctionSpec> => {
    const fn = stack.functions[name];
    if (!fn) throw new Error(`stack.yml has no function ${name}`);
    return { name, image: await ensureImage(ROOT, name, fn, copy, log), env: { ...fn.environment } };
  };
  const validador = await spec("validador");
  const generador = await spec("generador");
  const baseline = await ensureImage(ROOT, "baseline", { lang: "node24-ts", handler: "./bench/baseline", image: "bench/baseline" }, [], log);
  const core = await ensureImage(ROOT, "core", { lang: "node24-ts", handler: "./bench/core", image: "bench/core" }, copy, log);
  return {
    validador,
    generador,
    baselineFor: (counterpart, bodyBytes, postBytes) => ({
      name: `baseline (like ${counterpart.name})`,
      image: baseline,
      env: { ...counterpart.env, BASELINE_BODY_BYTES: String(bodyBytes), ...(postBytes === undefined ? {} : { BASELINE_POST_BYTES: String(postBytes) }) },
    }),
    coreFor: (counterpart) => ({ name: `core (like ${counterpart.name})`, image: core, env: { ...counterpart.env } }),
  };
}

const running = new Set<RunningFunction>();

/** Starts a server; `port` fixes its port (the default lets the system choose one). */
export async function start(spec: FunctionSpec, port = 0): Promise<RunningFunction> {
  const fn = await startFunction(spec.image, { env: { ...spec.env, http_port: String(port) } });
  running.add(fn);
  return fn;
}

/** Stops a server as Ctrl-C would (no drain window), and waits until it is gone. */
export async function stop(fn: RunningFunction): Promise<void> {
  fn.kill("SIGINT");
  const timer = setTimeout(() => fn.kill("SIGKILL"), 5000);
  await fn.exited;
  clearTimeout(timer);
  running.delete(fn);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map(stop));
}
