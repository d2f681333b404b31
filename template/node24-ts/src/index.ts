// Entry point (fprocess: node src/index.js): read the environment, load the handler, run its
// init(), serve it, and tell the watchdog when it can send traffic.
import { fileURLToPath } from "node:url";
import { readConfig } from "./config.js";
import { currentMemory, describeBudget, memoryBudget } from "./budget.js";
import { lifecycle } from "./lifecycle.js";

try {
  const config = readConfig(process.env);
  // First, before Express and the handler load (they take most of the start-up time): a lock
  // file left by a killed process would have the watchdog report ready all that while.
  const life = lifecycle(config);
  const [{ createApp }, { loadFunction }] = await Promise.all([import("./app.js"), import("./load.js")]);
  const fn = await loadFunction(fileURLToPath(new URL("../function/handler.js", import.meta.url)));
  // Before the server listens, so before the lock file: the function takes no request until
  // init() has resolved. And before the idle use is measured: what init() loads is part of it.
  if (fn.init) await life.init(fn.init);
  // Measured now, with the handler loaded and nothing in flight: the idle use.
  const memory = currentMemory();
  const budget = memoryBudget(config, memory);
  const app = createApp(fn.handler, { ...config, phase: life.phase, budget });
  console.log(`start: ${describeBudget(budget, memory, config.memoryHeadroom, config.bodyLimit)}`);
  const port = await life.listen(app, fn.shutdown);
  console.log(`start: listening on ${config.host}:${port}`);
} catch (error) {
  console.error("start: failed:", error);
  process.exit(1);
}
