// Listening, readiness and shutdown under the watchdog, and the handler module's optional
// init() and shutdown() around them.
//
// Ready: the lock file appears only once the server listens, so the watchdog's /_/health
// never sends traffic to a function that cannot answer yet. A lock left by a killed process
// (in Kubernetes /tmp survives a container restart) is removed as soon as the lifecycle starts,
// before the handler loads, for the same reason. init() runs before the server listens, under
// init_timeout: the platform's own bound on a start (faas-netes' probes of the lock) ends it
// without saying why, and faasd has none. A failure is one line and exit 1, which ends the
// watchdog too, and the platform starts the function again.
// SIGTERM: the watchdog forwards it at once but keeps routing requests for healthcheck_interval,
// so the server keeps answering for the drain window. Then it stops: no new request reaches the
// handler (one that still comes gets a 503 that says so, rather than a refused connection and
// the watchdog's empty 500), the requests in flight are answered, shutdown() runs, and the
// process exits 0 (a non-zero exit kills the watchdog). At the end of the window the watchdog
// exits as soon as the requests it is proxying are answered, and in the container the function
// goes with it: so with a shutdown() the function stops shutdown_timeout before the window
// ends, and shutdown() finishes while the watchdog still runs.
// SIGINT (Ctrl-C) skips what is left of the drain window; a repeated SIGTERM does not. A signal
// before the server listens (init() still running) ends the process at once.
import { createServer, maxHeaderSize, type RequestListener, type Server, type ServerResponse } from "node:http";
import { rmSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import type { Init, Shutdown } from "@node-ts/api";
import type { Config } from "./config.js";
import { clientErrorAnswer } from "./reply.js";

/**
 * serving; draining: SIGTERM came, answers ask clients not to reuse the connection; stopping:
 * no new request reaches the handler, those in flight finish, then shutdown() and the exit.
 */
export type Phase = "serving" | "draining" | "stopping";

export interface Lifecycle {
  readonly phase: () => Phase;
  /** Runs init() within init_timeout; if it fails or runs over, logs one line and exits 1. */
  readonly init: (init: Init) => Promise<void>;
  /**
   * Starts listening; resolves with the port once the server can answer. `shutdown` runs once
   * on SIGTERM or SIGINT, after the last request.
   */
  readonly listen: (app: RequestListener, shutdown?: Shutdown) => Promise<number>;
}

/** How long after the drain window the function still answers 503 when nothing has ended it. */
const LINGER_MS = 1000;

/** Call first thing at start-up: it removes a lock file a previous process left behind. */
export function lifecycle(config: Config): Lifecycle {
  let phase: Phase = "serving";
  let server: Server | undefined;
  let shutdown: Shutdown | undefined;
  /** Requests the handler may still be working on: those that came before the stop. */
  let inFlight = 0;
  let whenIdle: (() => void) | undefined;
  /** When the watchdog stops routing requests (SIGTERM + the drain window); until then a request may still come. */
  let windowEnds = 0;
  /** shutdown() has run: only the end of the window is awaited. */
  let finished = false;

  function removeLock(): void {
    if (config.lockFile) rmSync(config.lockFile, { force: true });
  }
  removeLock();

  function track(res: ServerResponse): void {
    if (phase === "stopping") return;
    inFlight++;
    res.once("close", () => {
      if (--inFlight === 0) whenIdle?.();
    });
  }

  function stop(): void {
    if (phase === "stopping") return;
    phase = "stopping";
    console.log(`shutdown: taking no new requests, waiting for ${inFlight} in flight`);
    let exiting = false;
    const exit = async () => {
      if (exiting) return;
      exiting = true;
      clearTimeout(grace);
      if (shutdown) await runShutdown(shutdown, config.shutdownMs);
      console.log("shutdown: done");
      finished = true;
      // Still listening till the watchdog stops routing, so that a late request gets the 503
      // rather than a refused connection (the watchdog's empty 500); SIGINT does not wait. The
      // watchdog's window starts with the same SIGTERM but its timer may fire a moment after
      // ours: the function lingers past the window, and in the container the watchdog's exit
      // ends it first.
      const left = windowEnds > 0 && config.drainMs > 0 ? windowEnds + LINGER_MS - performance.now() : 0;
      if (left <= 0) process.exit(0);
      setTimeout(() => process.exit(0), left);
    };
    const grace = setTimeout(() => {
      console.error(`shutdown: requests still running after ${config.closeGraceMs}ms, closing them`);
      server!.closeAllConnections();
      void exit();
    }, config.closeGraceMs).unref();
    if (inFlight === 0) void exit();
    else whenIdle = () => void exit();
  }

  function onSignal(signal: NodeJS.Signals): void {
    if (!server?.listening) process.exit(0);
    removeLock();
    if (signal === "SIGINT") {
      if (finished) process.exit(0);
      windowEnds = 0;
      stop();
      return;
    }
    // The same stop again: faasd signals every process in the container and the watchdog
    // forwards its own SIGTERM too, so a second one must not cut the drain window short.
    if (phase !== "serving") return;
    phase = "draining";
    windowEnds = performance.now() + config.drainMs;
    const answerMs = shutdown ? Math.max(0, config.drainMs - config.shutdownMs) : config.drainMs;
    const then = shutdown ? `, then shutdown() (up to ${config.shutdownMs}ms)` : "";
    console.log(`shutdown: ${signal}, answering for ${answerMs}ms more${then}`);
    setTimeout(stop, answerMs).unref();
  }

  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return {
    phase: () => phase,
    init: async (init) => {
      const started = performance.now();
      const outcome = await bounded(init, config.initMs);
      const ms = Math.round(performance.now() - started);
      if (outcome.ended === "done") {
        console.log(`init: done in ${ms}ms`);
        return;
      }
      console.error(
        outcome.ended === "failed"
          ? `init: failed after ${ms}ms, exiting: ${oneLine(outcome.error)}`
          : `init: did not finish within ${config.initMs}ms (init_timeout), exiting`,
      );
      process.exit(1);
    },
    listen: (app, onShutdown) =>
      new Promise((resolve, reject) => {
        shutdown = onShutdown;
        server = createServer(app);
        server.on("request", (_req, res: ServerResponse) => track(res));
        answerClientErrors(server);
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          const address = server!.address();
          const port = typeof address === "object" && address ? address.port : config.port;
          if (config.lockFile) writeFileSync(config.lockFile, "");
          resolve(port);
        });
      }),
  };
}

/** Runs shutdown() within its bound; a failure or overrun is logged, and the exit stays 0. */
async function runShutdown(shutdown: Shutdown, boundMs: number): Promise<void> {
  const started = performance.now();
  const outcome = await bounded(shutdown, boundMs);
  const ms = Math.round(performance.now() - started);
  if (outcome.ended === "done") console.log(`shutdown: shutdown() done in ${ms}ms`);
  else if (outcome.ended === "failed") console.error(`shutdown: shutdown() failed after ${ms}ms: ${oneLine(outcome.error)}`);
  else console.error(`shutdown: shutdown() did not finish within ${boundMs}ms (shutdown_timeout), exiting`);
}

type Outcome = { readonly ended: "done" } | { readonly ended: "failed"; readonly error: unknown } | { readonly ended: "late" };

/** Calls `hook` and waits for it, at most `ms`; a throw or a rejection is an outcome too. */
function bounded(hook: () => unknown, ms: number): Promise<Outcome> {
  return new Promise((resolve) => {
    // Not unref'd: a hook waiting on nothing that keeps Node running must still time out.
    const timer = setTimeout(() => resolve({ ended: "late" }), ms);
    Promise.resolve()
      .then(hook)
      .then(
        () => resolve({ ended: "done" }),
        (error: unknown) => resolve({ ended: "failed", error }),
      )
      .finally(() => clearTimeout(timer));
  });
}

/** An error as one log line: "Error: message", whatever it was thrown as. */
function oneLine(error: unknown): string {
  let text: string;
  try {
    text = String(error);
  } catch {
    text = Object.prototype.toString.call(error);
  }
  return text.replace(/\s*\n\s*/g, " ");
}

/**
 * Answers what Node's HTTP parser refuses (malformed requests, headers over the size limit)
 * as JSON with nosniff, like every other answer, instead of Node's empty default answer. As
 * Node does, it answers only when no response is under way on the connection: writing into
 * the middle of one would corrupt what the client reads.
 */
function answerClientErrors(server: Server): void {
  const responding = new WeakMap<Socket, number>();
  server.on("request", (req, res) => {
    const socket = req.socket;
    responding.set(socket, (responding.get(socket) ?? 0) + 1);
    res.once("close", () => responding.set(socket, (responding.get(socket) ?? 1) - 1));
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable && error.code !== "ECONNRESET" && !responding.get(socket)) {
      socket.end(clientErrorAnswer(error, maxHeaderSize));
      // The client may keep the connection half open; it gets a moment to read the answer.
      setTimeout(() => socket.destroy(), 1000).unref();
    } else {
      socket.destroy();
    }
  });
}
