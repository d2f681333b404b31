// The handler's optional init and shutdown exports (test/fixtures/hooks): behind the real
// of-watchdog, started as the image starts it, and directly as npm start runs a function.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, inject, onTestFinished, test } from "vitest";
import { startFunction } from "../../tools/run.js";
import { startBehindWatchdog, type WatchedFunction } from "../../tools/watchdog.js";
import { send } from "../support/http.js";
import { realProgram } from "../support/real.js";
import { readConfig } from "../../template/node24-ts/src/config.js";
import { loadFunction } from "../../template/node24-ts/src/load.js";
import { killQuietly } from "../../tools/proc.js";
import { scratchDir } from "../../tools/scratch.js";

const WATCHDOG = realProgram("of-watchdog");
const hooks = () => inject("images")["hooks"]!;

interface Step {
  readonly at: number;
  readonly step: string;
}

/** What the fixture wrote to HOOKS_RECORD, in order. */
function readRecord(file: string): Step[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [at, ...step] = line.split(" ");
      return { at: Number(at), step: step.join(" ") };
    });
}

/** A temp dir for the function (its TMPDIR) and the record file in it. */
function recordPlace(): { tmpDir: string; record: string } {
  const tmpDir = scratchDir("hooks-");
  return { tmpDir, record: join(tmpDir, "record.log") };
}


/** After the test, the watchdog and the function it forked, if either is still there. */
function cleanUp(fn: WatchedFunction, functionPid: number | undefined): void {
  onTestFinished(() => {
    fn.kill("SIGKILL");
    killQuietly(functionPid);
  });
}

/** The watchdog answers itself, empty, when it cannot reach the function. */
const watchdogMade = (headers: Headers | Record<string, unknown>) =>
  (headers instanceof Headers ? headers.get("x-openfaas-internal") : headers["x-openfaas-internal"]) === "of-watchdog";

describe.skipIf(!WATCHDOG)("behind the real of-watchdog", () => {
  test("init taking 2 s: /_/health stays 503 and the function answers nothing until init has resolved", async () => {
    const { tmpDir, record } = recordPlace();
    const fn = await startBehindWatchdog(WATCHDOG!, hooks(), { tmpDir, untilListening: true, env: { HOOKS_INIT_MS: "2000", HOOKS_RECORD: record } });
    cleanUp(fn, fn.functionPid());

    const polls: { health: number; status: number; body: string; byWatchdog: boolean; at: number }[] = [];
    const until = Date.now() + 15_000;
    for (;;) {
      const health = (await fetch(`${fn.url}/_/health`)).status;
      const answer = await fetch(`${fn.url}/ready`);
      polls.push({ health, status: answer.status, body: await answer.text(), byWatchdog: watchdogMade(answer.headers), at: Date.now() });
      if (health === 200) break;
      expect(Date.now(), `not healthy within 15 s:\n${fn.output()}`).toBeLessThan(until);
      await sleep(50);
    }

    const steps = readRecord(record);
    const initEnd = steps.find(({ step }) => step === "init end")?.at;
    expect(initEnd, `init never finished:\n${steps.map(({ step }) => step).join("\n")}`).toBeDefined();
    const during = polls.filter(({ health }) => health !== 200);
    expect(during.length, "polls while init ran").toBeGreaterThan(5);
    expect(new Set(during.map(({ health }) => health))).toEqual(new Set([503]));
    // Until init has resolved nothing listens: the watchdog answers an empty 500 itself. Once the
    // function listens (the lock follows at once), its answers say init has run.
    for (const poll of polls) {
      if (poll.byWatchdog) expect([poll.status, poll.body]).toEqual([500, ""]);
      else expect([poll.status, poll.body, poll.at >= initEnd!]).toEqual([200, "initialised", true]);
    }
    expect(during.filter(({ byWatchdog }) => byWatchdog).length).toBeGreaterThan(5);
    expect(polls.at(-1)!.at).toBeGreaterThanOrEqual(initEnd!);
    expect(steps.filter(({ step }) => step.startsWith("request")).every(({ at }) => at >= initEnd!)).toBe(true);
    expect(fn.output()).toMatch(/^init: done in \d+ms$/m);
  });

  test("init failing: one line that says so, the function exits 1 and the watchdog exits too", async () => {
    const fn = await startBehindWatchdog(WATCHDOG!, hooks(), { untilListening: true, env: { HOOKS_INIT_FAIL: "no database at db:5432" } });
    cleanUp(fn, fn.functionPid());
    const exit = await Promise.race([fn.exited, sleep(10_000, "still running 10 s later")]);
    expect(exit, fn.output()).toEqual({ code: 1, signal: null });
    const lines = fn.output().split("\n");
    expect(lines.filter((line) => line.includes("no database at db:5432"))).toEqual([
      expect.stringMatching(/^init: failed after \d+ms, exiting: Error: no database at db:5432$/),
    ]);
    expect(fn.output()).toMatch(/Forked function has terminated: exit status 1/);
    expect(fn.output(), "the function never listened").not.toMatch(/listening on 127\.0\.0\.1/);
  });

  test("init running past init_timeout: one line, exit 1, and the watchdog exits too", async () => {
    const fn = await startBehindWatchdog(WATCHDOG!, hooks(), { untilListening: true, env: { HOOKS_INIT_MS: "60000", init_timeout: "1s" } });
    cleanUp(fn, fn.functionPid());
    const exit = await Promise.race([fn.exited, sleep(10_000, "still running 10 s later")]);
    expect(exit, fn.output()).toEqual({ code: 1, signal: null });
    expect(fn.output().split("\n").filter((line) => line.startsWith("init:"))).toEqual(["init: did not finish within 1000ms (init_timeout), exiting"]);
    expect(fn.output()).toMatch(/Forked function has terminated: exit status 1/);
  });

  test("SIGTERM while init() runs: the function exits 0 at once, without shutdown(), and the watchdog after its window", async () => {
    const { tmpDir, record } = recordPlace();
    const fn = await startBehindWatchdog(WATCHDOG!, hooks(), { tmpDir, untilListening: true, env: { HOOKS_INIT_MS: "5000", healthcheck_interval: "1s", HOOKS_RECORD: record } });
    const functionPid = fn.functionPid();
    cleanUp(fn, functionPid);
    await expect.poll(() => readRecord(record).length, { timeout: 10_000 }).toBe(1);
    fn.kill("SIGTERM");
    expect(await Promise.race([fn.exited, sleep(10_000, "still running 10 s later")])).toEqual({ code: 0, signal: null });
    expect(readRecord(record).map(({ step }) => step)).toEqual(["init start"]);
    expect(fn.output()).not.toMatch(/Forked function has terminated/);
  });

  test("SIGTERM under load: every request answered; shutdown() runs after the last one, sees none after it starts, and has finished when the watchdog exits", async () => {
    const { tmpDir, record } = recordPlace();
    // The watchdog keeps routing for 4 s after SIGTERM; shutdown() may take 1.5 s of that, so
    // the function answers for the first 2.5 s.
    const env = { healthcheck_interval: "4s", shutdown_timeout: "1500ms", HOOKS_SHUTDOWN_MS: "300", HOOKS_RECORD: record };
    const fn = await startBehindWatchdog(WATCHDOG!, hooks(), { tmpDir, env });
    const functionPid = fn.functionPid();
    cleanUp(fn, functionPid);
    expect(functionPid).toBeDefined();
    // As in the container, where the watchdog is PID 1: once it exits, whatever is left of the
    // function is killed with it.
    let watchdogGone = false;
    const exited = fn.exited.then((result) => {
      watchdogGone = true;
      killQuietly(functionPid);
      return result;
    });

    // Four keep-alive clients from 0.5 s before SIGTERM to 1 s after it, well inside the 2.5 s.
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    onTestFinished(() => agent.destroy());
    const tally = { sent: 0, right: 0, wrong: [] as string[], failed: [] as string[] };
    const loadUntil = performance.now() + 1500;
    const client = async () => {
      while (performance.now() < loadUntil) {
        tally.sent++;
        try {
          const answer = await send(fn.url, { path: "/slow?ms=10" }, agent);
          if (answer.status === 200 && answer.body === "slow answer") tally.right++;
          else tally.wrong.push(`${answer.status} ${answer.body}`);
        } catch (error) {
          tally.failed.push(String(error));
        }
      }
    };
    const loading = Promise.all([client(), client(), client(), client()]);
    await sleep(500);
    fn.kill("SIGTERM");
    await expect.poll(() => existsSync(fn.lockFile), { timeout: 1000 }).toBe(false);
    await loading;

    // A request still running when the function stops answering (at 2.5 s): shutdown() must wait for it.
    await sleep(200);
    const long = send(fn.url, { path: "/slow?ms=1500" });
    // And requests right up to the watchdog's exit: none may reach the handler once shutdown() started.
    const late: string[] = [];
    while (!watchdogGone) {
      await send(fn.url, { path: "/ready" }).then(
        (answer) => late.push(answer.status === 200 ? `200 ${answer.body}` : `${answer.status}${watchdogMade(answer.headers) ? " by the watchdog" : ` ${answer.body}`}`),
        () => late.push("refused"),
      );
      await sleep(100);
    }
    const longAnswer = await long;
    const exit = await exited;

    expect(tally.failed).toEqual([]);
    expect(tally.wrong).toEqual([]);
    expect(tally.sent).toBeGreaterThan(0);
    expect(tally.right).toBe(tally.sent);
    expect([longAnswer.status, longAnswer.body]).toEqual([200, "slow answer"]);
    // The function may outlive the watchdog by a moment (it waits out the same window), as in
    // the container, where the watchdog's exit ends it: shutdown() has finished by then.
    expect(exit, fn.output()).toEqual({ code: 0, signal: null });

    const steps = readRecord(record).map(({ step }) => step);
    const started = steps.indexOf("shutdown start");
    expect(started, `shutdown() never ran:\n${fn.output()}`).toBeGreaterThan(0);
    expect(steps.slice(started), "no request once shutdown() has started").toEqual(["shutdown start", "shutdown end"]);
    const before = steps.slice(0, started);
    expect(before.filter((step) => step.startsWith("answered")).length, "every request was answered before it").toBe(before.filter((step) => step.startsWith("request")).length);
    expect(before.at(-1)).toBe("answered /slow");
    // What the late requests got: the function's answer, then its 503 that says it is shutting
    // down (never the watchdog's empty 500: the function listens a second past the window), then
    // refused once the watchdog stops too.
    expect(late.length).toBeGreaterThan(5);
    for (const answer of late) expect(answer).toMatch(/^(200 initialised|503 \{"error":"shutting down: this instance takes no more requests; retry in a moment"\}|refused)$/);
    expect(late.some((answer) => answer.startsWith("503")), late.join(", ")).toBe(true);

    const output = fn.output();
    expect(output).toMatch(/^shutdown: SIGTERM, answering for 2500ms more, then shutdown\(\) \(up to 1500ms\)$/m);
    expect(output).toMatch(/^shutdown: shutdown\(\) done in \d+ms$/m);
    expect(output.indexOf("shutdown: done"), "the function finished before the watchdog").toBeLessThan(output.indexOf("Exiting. Active connections"));
    console.log(`SIGTERM under load, behind the watchdog: ${tally.sent} requests, none failed; late requests: ${late.join(", ")}`);
  }, 30_000);
});

describe("without the watchdog", () => {
  test("shutdown() rejecting: one line, and still exit 0 at once", async () => {
    const fn = await startFunction(hooks(), { env: { drain_timeout: "500ms", HOOKS_SHUTDOWN_FAIL: "the pool was closed already" } });
    onTestFinished(() => fn.kill("SIGKILL"));
    const signalled = performance.now();
    fn.kill("SIGTERM");
    expect(await fn.exited).toEqual({ code: 0, signal: null });
    expect(performance.now() - signalled, "exits once shutdown() has failed, not later").toBeLessThan(5000);
    expect(fn.output().split("\n").filter((line) => line.includes("the pool was closed already"))).toEqual([
      expect.stringMatching(/^shutdown: shutdown\(\) failed after \d+ms: Error: the pool was closed already$/),
    ]);
  });

  test("shutdown() running past shutdown_timeout: one line, and exit 0 when the time is up", async () => {
    const fn = await startFunction(hooks(), { env: { drain_timeout: "1s", shutdown_timeout: "500ms", HOOKS_SHUTDOWN_MS: "60000" } });
    onTestFinished(() => fn.kill("SIGKILL"));
    const signalled = performance.now();
    fn.kill("SIGTERM");
    expect(await fn.exited).toEqual({ code: 0, signal: null });
    expect(performance.now() - signalled, "exits when the time is up, not when shutdown() ends").toBeLessThan(5000);
    expect(fn.output()).toMatch(/^shutdown: SIGTERM, answering for 500ms more, then shutdown\(\) \(up to 500ms\)$/m);
    expect(fn.output().split("\n").filter((line) => line.includes("shutdown()") && !line.includes("answering"))).toEqual([
      "shutdown: shutdown() did not finish within 500ms (shutdown_timeout), exiting",
    ]);
  });

  test("Ctrl-C (SIGINT, as under npm start) stops answering at once and runs shutdown() before the exit", async () => {
    const { tmpDir, record } = recordPlace();
    const fn = await startFunction(hooks(), { tmpDir, env: { drain_timeout: "60s", HOOKS_RECORD: record } });
    onTestFinished(() => fn.kill("SIGKILL"));
    expect((await send(fn.url, { path: "/ready" })).body).toBe("initialised");
    fn.kill("SIGINT");
    expect(await fn.exited).toEqual({ code: 0, signal: null });
    expect(readRecord(record).map(({ step }) => step)).toEqual(["init start", "init end", "request /ready", "answered /ready", "shutdown start", "shutdown end"]);
  });

  test("a handler that exports neither hook starts and stops as before, without a word about them", async () => {
    const fn = await startFunction(inject("images")["echo"]!, { env: { drain_timeout: "300ms" } });
    onTestFinished(() => fn.kill("SIGKILL"));
    expect((await send(fn.url, { path: "/text" })).body).toBe("plain words");
    fn.kill("SIGTERM");
    expect(await fn.exited).toEqual({ code: 0, signal: null });
    expect(fn.output()).toMatch(/^shutdown: SIGTERM, answering for 300ms more$/m);
    expect(fn.output()).not.toMatch(/init|shutdown\(\)/);
  });

  test("a bad init_timeout or shutdown_timeout stops the start with exit 1, naming it", async () => {
    // Stopped if it starts after all, so that a failure leaves no process behind.
    const start = (env: Record<string, string>) => startFunction(hooks(), { env }).then((fn) => (fn.kill("SIGKILL"), "started"));
    await expect(start({ init_timeout: "soon" })).rejects.toThrow(/exited \(1\)[\s\S]*init_timeout must be a duration/);
    await expect(start({ shutdown_timeout: "-1s" })).rejects.toThrow(/exited \(1\)[\s\S]*shutdown_timeout must be a duration/);
  });
});

describe("the bounds", () => {
  const bounds = (env: Record<string, string>) => {
    const config = readConfig(env);
    return { init: config.initMs, shutdown: config.shutdownMs, drain: config.drainMs };
  };

  test("init_timeout: 4 s unless set", () => {
    expect(bounds({}).init).toBe(4000);
    expect(bounds({ init_timeout: "20s" }).init).toBe(20_000);
  });

  test("shutdown_timeout: 5 s, or half the drain window when that is less, unless set", () => {
    expect(bounds({ write_timeout: "30s" })).toEqual({ init: 4000, shutdown: 5000, drain: 30_000 });
    expect(bounds({ healthcheck_interval: "4s" })).toMatchObject({ shutdown: 2000, drain: 4000 });
    expect(bounds({ drain_timeout: "0" })).toMatchObject({ shutdown: 5000, drain: 0 });
    expect(bounds({ write_timeout: "30s", shutdown_timeout: "12s" })).toMatchObject({ shutdown: 12_000, drain: 30_000 });
  });

  test.each([
    ["init_timeout", "0", "init_timeout must be a duration of more than 0, such as 5s, got 0ms"],
    ["shutdown_timeout", "1 minute", 'shutdown_timeout must be a duration such as 15s or 1m30s, got "1 minute"'],
  ])("%s=%s is refused, naming it", (name, value, message) => {
    expect(() => readConfig({ [name]: value })).toThrow(message);
  });
});

describe("finding the hooks in the compiled handler, however it was exported", () => {
  const dir = scratchDir("load-");
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const shape = async (file: string) => {
    const fn = await loadFunction(file);
    return { handler: typeof fn.handler, init: typeof fn.init, shutdown: typeof fn.shutdown };
  };
  const both = { handler: "function", init: "function", shutdown: "function" };

  test("ES module: named exports beside export default", async () => {
    const file = write("esm.mjs", "export default async () => 1;\nexport async function init() {}\nexport function shutdown() {}\n");
    expect(await shape(file)).toEqual(both);
  });

  test("CommonJS: module.exports = { default, init, shutdown }", async () => {
    expect(await shape(write("object.cjs", "module.exports = { default: async () => 1, init: async () => {}, shutdown: () => {} };\n"))).toEqual(both);
  });

  test("CommonJS: module.exports = handler, with init and shutdown set on it", async () => {
    const text = "const handle = async () => 1;\nmodule.exports = handle;\nObject.assign(handle, { init: async () => {}, shutdown: () => {} });\n";
    expect(await shape(write("function.cjs", text))).toEqual(both);
  });

  test("tsc's CommonJS output of an ES module", async () => {
    const text = [
      '"use strict";',
      'Object.defineProperty(exports, "__esModule", { value: true });',
      "exports.init = init;",
      "exports.shutdown = shutdown;",
      "exports.default = handle;",
      "async function init() {}",
      "async function shutdown() {}",
      "async function handle() { return 1; }",
    ].join("\n");
    expect(await shape(write("tsc.cjs", text))).toEqual(both);
  });

  test("neither hook: only the handler", async () => {
    expect(await shape(write("plain.mjs", "export default async () => 1;\n"))).toEqual({ handler: "function", init: "undefined", shutdown: "undefined" });
  });

  test("a hook that is not a function stops the start, naming it", async () => {
    await expect(loadFunction(write("bad.mjs", 'export default async () => 1;\nexport const init = "soon";\n'))).rejects.toThrow(
      /bad\.mjs exports init as a string: init must be a function, such as export async function init\(\) \{\.\.\.\}/,
    );
  });
});
