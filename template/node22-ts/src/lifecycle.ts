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
// so the server keeps answering for the drain window, then stops accepting, lets in-flight
// requests finish and exits 0 (a non-zero exit kills the watchdog). At the end of that window
// the watchdog exits as soon as the requests it is proxying are answered, and in the container
// the function goes with it: so with a shutdown() the server stops answering shutdown_timeout
// before the window ends, and shutdown() runs once the last request is answered.
// SIGINT (Ctrl-C) skips what is left of the drain window; a repeated SIGTERM does not. A signal before
// the server listens (init() still running), or after it has closed, ends the process at once.
import { createServer, maxHeaderSize, type RequestListener, type Server } from "node:http";
import { rmSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import type { Init, Shutdown } from "@node22-ts/api";
import type { Config } from "./config.js";
import { clientErrorAnswer } from "./reply.js";

export interface Lifecycle {
  readonly draining: () => boolean;
  /** Runs init() within init_timeout; if it fails or runs over, logs one line and exits 1. */
  readonly init: (init: Init) => Promise<void>;
  /**
   * Starts listening; resolves with the port once the server can answer. `shutdown` runs once
   * on SIGTERM or SIGINT, after the last request.
   */
  readonly listen: (app: RequestListener, shutdown?: Shutdown) => Promise<number>;
}

/** Call first thing at start-up: it removes a lock file a previous process left behind. */
export function lifecycle(config: Config): Lifecycle {
  let draining = false;
  let closing = false;
  let server: Server | undefined;
  let shutdown: Shutdown | undefined;

  function removeLock(): void {
    if (config.lockFile) rmSync(config.lockFile, { force: true });
  }
  removeLock();

  function close(): void {
    if (!server) process.exit(0);
    if (closing) return;
    closing = true;
    console.log("shutdown: closing the server, waiting for in-flight requests");
    let exiting = false;
    const exit = async () => {
      if (exiting) return;
      exiting = true;
      if (shutdown) await runShutdown(shutdown, config.shutdownMs);
      console.log("shutdown: done");
      process.exit(0);
    };
    const grace = setTimeout(() => {
      console.error(`shutdown: requests still running after ${config.closeGraceMs}ms, closing them`);
      server!.closeAllConnections();
      void exit();
    }, config.closeGraceMs).unref();
    server.close(() => {
      clearTimeout(grace);
      void exit();
    });
    server.closeIdleConnections();
  }

  function onSignal(signal: NodeJS.Signals): void {
    if (!server?.listening) process.exit(0);
    removeLock();
    if (signal === "SIGINT") {
      close();
      return;
    }
    // The same stop again: faasd signals every process in the container and the watchdog
    // forwards its own SIGTERM too, so a second one must not cut the drain window short.
    if (draining) return;
    draining = true;
    const answerMs = shutdown ? Math.max(0, config.drainMs - config.shutdownMs) : config.drainMs;
    const then = shutdown ? `, then shutdown() (up to ${config.shutdownMs}ms)` : "";
    console.log(`shutdown: ${signal}, answering for ${answerMs}ms more${then}`);
    setTimeout(close, answerMs).unref();
  }

  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return {
    draining: () => draining,
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
