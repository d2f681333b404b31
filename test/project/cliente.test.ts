// npm run cliente's command line, as a newcomer first tries it: --help, and a mistaken option.
import { spawnSync } from "node:child_process";
import { expect, test } from "vitest";

const cliente = (...args: string[]) => spawnSync("node", [".build/tools/cliente.js", ...args], { encoding: "utf8" });

test("--help prints the usage with every option and exits 0", () => {
  const run = cliente("--help");
  expect(run.status).toBe(0);
  expect(run.stderr).toBe("");
  for (const option of ["--gateway URL", "--count N", "--correct", "--out DIR", "--help"]) expect(run.stdout).toContain(option);
});

test("an unknown option or a missing value: one line naming it, then the usage, exit 2, no stack trace", () => {
  for (const [args, message] of [
    [["--bogus"], "cliente: Unknown option '--bogus'"],
    [["--count"], "cliente: Option '--count <value>' argument missing"],
  ] as const) {
    const run = cliente(...args);
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe(message);
    expect(run.stderr).toContain("usage: npm run cliente -- [options]");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }
});
