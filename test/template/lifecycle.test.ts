// Readiness and shutdown under the watchdog, with real processes and real signals.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect, inject, onTestFinished, test } from "vitest";
import { freePort, startFunction } from "../../tools/run.js";
import { scratchDir } from "../../tools/scratch.js";

const echo = () => inject("images")["echo"]!;

test("the lock file appears only once the server listens, and never without suppress_lock", async () => {
  const tmpDir = scratchDir("lock-");
  const lockFile = join(tmpDir, ".lock");
  const starting = startFunction(echo(), { tmpDir, env: { FIXTURE_LOAD_DELAY_MS: "1500" } });
  for (let i = 0; i < 10; i++) {
    expect(existsSync(lockFile), "lock file before the server listens").toBe(false);
    await sleep(100);
  }
  const fn = await starting;
  expect(existsSync(lockFile)).toBe(true);
  expect((await fetch(`${fn.url}/text`)).status).toBe(200);
  fn.kill("SIGINT");
  expect(await fn.exited).toEqual({ code: 0, signal: null });
  expect(existsSync(lockFile), "lock file after shutdown").toBe(false);

  const unlocked = await startFunction(echo(), { env: { suppress_lock: "false" } });
  expect(existsSync(unlocked.lockFile)).toBe(false);
  unlocked.kill("SIGINT");
  await unlocked.exited;
});

test("a lock file left by a killed process is gone before the server listens; it comes back only once the server answers", async () => {
  // In Kubernetes /tmp (an emptyDir) survives a container restart, and so does the old lock: with
  // it the watchdog's /_/health would say ready while nothing listens yet.
  const tmpDir = scratchDir("stale-lock-");
  const lockFile = join(tmpDir, ".lock");
  writeFileSync(lockFile, "");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/text`;
  let listening = false;
  const starting = startFunction(echo(), { tmpDir, env: { http_port: String(port), FIXTURE_LOAD_DELAY_MS: "3000" } });
  void starting.then(() => (listening = true), () => undefined);
  onTestFinished(() => void starting.then((fn) => fn.kill("SIGKILL"), () => undefined));

  // Node itself takes a moment to start: the lock can only go once the server's own code runs.
  // It must go while the handler is still loading (3 s), long before the server listens.
  await expect.poll(() => !existsSync(lockFile) || listening, { timeout: 15_000, interval: 5 }).toBe(true);
  expect(listening, "the leftover lock was still there when the server started listening").toBe(false);
  await expect(fetch(url), "nothing listens yet").rejects.toThrow();

  // From then on the lock may appear only when the server can answer.
  while (!existsSync(lockFile)) {
    expect(listening, "the server listens but wrote no lock").toBe(false);
    await sleep(10);
  }
  expect((await fetch(url)).status).toBe(200);
  const fn = await starting;
  expect(existsSync(fn.lockFile)).toBe(true);
  fn.kill("SIGINT");
  expect(await fn.exited).toEqual({ code: 0, signal: null });
});

test("SIGTERM: in-flight and new requests are answered through the drain window, then exit 0", async () => {
  const fn = await startFunction(echo(), { env: { drain_timeout: "2s" } });
  const inFlight = fetch(`${fn.url}/slow?ms=1200`);
  await sleep(200);
  const signalled = Date.now();
  fn.kill("SIGTERM");
  await expect.poll(() => existsSync(fn.lockFile), { timeout: 1000 }).toBe(false);

  await sleep(500);
  const during = await fetch(`${fn.url}/text`);
  expect(during.status).toBe(200);
  expect(await during.text()).toBe("plain words");
  expect(during.headers.get("connection")).toBe("close");

  const slow = await inFlight;
  expect([slow.status, await slow.text()]).toEqual([200, "slow answer"]);

  // The watchdog's window may end a moment after the function's own: a request it still
  // forwards just past the window must find the function listening, answering 503.
  await sleep(signalled + 2300 - Date.now());
  const late = await fetch(`${fn.url}/text`);
  expect([late.status, late.headers.get("retry-after"), await late.text()]).toEqual([503, expect.stringMatching(/^\d+$/), expect.stringContaining("shutting down")]);

  expect(await fn.exited).toEqual({ code: 0, signal: null });
  const elapsed = Date.now() - signalled;
  expect(elapsed).toBeGreaterThanOrEqual(2000);
  expect(fn.output()).toMatch(/shutdown: SIGTERM, answering for 2000ms more/);
  await expect(fetch(`${fn.url}/text`)).rejects.toThrow();
});

test("after the drain window, a request still running gets to finish before the exit", async () => {
  const fn = await startFunction(echo(), { env: { drain_timeout: "300ms" } });
  const inFlight = fetch(`${fn.url}/slow?ms=1500`);
  await sleep(100);
  fn.kill("SIGTERM");
  const slow = await inFlight;
  expect([slow.status, await slow.text()]).toEqual([200, "slow answer"]);
  expect(await fn.exited).toEqual({ code: 0, signal: null });
});

test("a second SIGTERM keeps the drain window (faasd signals every process in the container, and the watchdog forwards its own); SIGINT cuts it short", async () => {
  const fn = await startFunction(echo(), { env: { drain_timeout: "60s" } });
  fn.kill("SIGTERM");
  await sleep(50);
  fn.kill("SIGTERM");
  await sleep(300);
  const answer = await fetch(`${fn.url}/text`);
  expect([answer.status, answer.headers.get("connection")]).toEqual([200, "close"]);
  const started = Date.now();
  fn.kill("SIGINT");
  expect(await fn.exited).toEqual({ code: 0, signal: null });
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(fn.output().match(/^shutdown: SIGTERM, answering for/gm)).toHaveLength(1);
});

test("a bad setting stops the start with exit 1 and a message naming it", async () => {
  await expect(startFunction(echo(), { env: { MAX_BODY_SIZE: "lots" } })).rejects.toThrow(/exited \(1\)[\s\S]*MAX_BODY_SIZE must be a size such as 512kb or 16mb, got "lots"/);
  await expect(startFunction(echo(), { env: { write_timeout: "15 seconds" } })).rejects.toThrow(/write_timeout must be a duration/);
});
