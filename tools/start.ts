// npm start: builds both functions as their images would be (only what changed), starts each
// through the template's compiled server with the image's and stack.yml's environment, and
// serves them behind a local gateway that faas-cli can use: http://127.0.0.1:8080/function/<name>.
// Ctrl-C stops all.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createGateway, type Upstream } from "./gateway.js";
import { ensureImage } from "./image.js";
import { startFunction, type RunningFunction } from "./run.js";
import { readStack } from "./stack.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
const port = Number(process.env["PORT"] ?? 8080);
const host = process.env["HOST"] ?? "127.0.0.1";

const stack = readStack(`${ROOT}/stack.yml`);
const running = new Map<string, RunningFunction>();
const envProcess = new Map<string, string>();
const startedAt = new Map<string, Date>();
let stopping = false;

async function stop(code: number): Promise<void> {
  stopping = true;
  gateway.close();
  for (const fn of running.values()) fn.kill("SIGINT");
  await Promise.all([...running.values()].map((fn) => fn.exited));
  if (code === 0) console.log("stopped.");
  process.exit(code);
}

const gateway = createGateway(
  new Map(
    Object.entries(stack.functions).map(([name, fn]): [string, Upstream] => [
      name,
      {
        stack: fn,
        get envProcess() { return envProcess.get(name) ?? ""; },
        get port() { return running.get(name)?.port ?? 0; },
        // The image sets suppress_lock=true: the function writes the lock once it listens, and
        // the watchdog's /_/health checks for that file.
        alive: () => existsSync(running.get(name)?.lockFile ?? ""),
        get startedAt() { return startedAt.get(name); },
      },
    ]),
  ),
);

try {
  for (const [name, fn] of Object.entries(stack.functions)) {
    const image = await ensureImage(ROOT, name, fn, stack.configuration?.copy ?? [], (line) => console.log(line));
    // Function logs (a line per request) shown live, prefixed with the function's name.
    const onOutput = (text: string) => process.stdout.write(text.replace(/^(?=.)/gm, `[${name}] `));
    envProcess.set(name, image.env["fprocess"] ?? "");
    startedAt.set(name, new Date());
    // No watchdog logs requests here, so the functions do (behind one they only log errors).
    const started = await startFunction(image, { env: { ...fn.environment, LOG_REQUESTS: "true" }, onOutput });
    running.set(name, started);
    void started.exited.then(({ code, signal }) => {
      running.delete(name);
      if (!stopping) {
        console.error(`${name} stopped unexpectedly (${code ?? signal}):\n${started.output().slice(-2000)}`);
        void stop(1);
      }
    });
  }
} catch (error) {
  console.error(`cannot start the functions: ${(error as Error).message}`);
  await stop(1);
}

gateway.on("error", (error: NodeJS.ErrnoException) => {
  console.error(
    error.code === "EADDRINUSE"
      ? `port ${port} is in use: stop what holds it, or choose another one: PORT=8081 npm start`
      : `the gateway cannot listen on ${host}:${port}: ${error.message}`,
  );
  void stop(1);
});
gateway.listen(port, host, () => {
  const address = gateway.address();
  const url = `http://${host}:${typeof address === "object" && address ? address.port : port}`;
  console.log(`gateway: ${url}`);
  for (const [name, fn] of running) console.log(`  ${url}/function/${name}  (its server: ${fn.url})`);
  console.log(`faas-cli: --gateway ${url} (or export OPENFAAS_URL=${url}); async calls: ${url}/async-function/<name>`);
  console.log("Ctrl-C stops everything.");
});
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
