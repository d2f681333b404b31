// Listening, readiness and shutdown under the watchdog.
//
// Ready: the lock file appears only once the server listens, so the watchdog's /_/health
// never sends traffic to a function that cannot answer yet. A lock left by a killed process
// (in Kubernetes /tmp survives a container restart) is removed as soon as the lifecycle starts,
// before the handler loads, for the same reason.
// SIGTERM: the watchdog forwards it at once but keeps routing requests for
// healthcheck_interval, so the server keeps answering for the drain window, then stops
// accepting, lets in-flight requests finish and exits 0 (a non-zero exit kills the watchdog).
// A second SIGTERM, or SIGINT (Ctrl-C), skips what is left of the drain window.
import { createServer, maxHeaderSize, type RequestListener, type Server } from "node:http";
import { rmSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import type { Config } from "./config.js";
import { clientErrorAnswer } from "./reply.js";

export interface Lifecycle {
  readonly draining: () => boolean;
  /** Starts listening; resolves with the port once the server can answer. */
  readonly listen: (app: RequestListener) => Promise<number>;
}

/** Call first thing at start-up: it removes a lock file a previous process left behind. */
export function lifecycle(config: Config): Lifecycle {
  let draining = false;
  let server: Server | undefined;

  function removeLock(): void {
    if (config.lockFile) rmSync(config.lockFile, { force: true });
  }
  removeLock();

  function close(): void {
    if (!server) process.exit(0);
    console.log("shutdown: closing the server, waiting for in-flight requests");
    server.close(() => {
      console.log("shutdown: done");
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => {
      console.error(`shutdown: requests still running after ${config.closeGraceMs}ms, closing them`);
      process.exit(0);
    }, config.closeGraceMs).unref();
  }

  function onSignal(signal: NodeJS.Signals): void {
    if (!server?.listening) process.exit(0);
    removeLock();
    if (draining || signal === "SIGINT") {
      close();
      return;
    }
    draining = true;
    console.log(`shutdown: ${signal}, answering for ${config.drainMs}ms more`);
    setTimeout(close, config.drainMs).unref();
  }

  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return {
    draining: () => draining,
    listen: (app) =>
      new Promise((resolve, reject) => {
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
