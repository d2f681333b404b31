// The real of-watchdog and faas-cli, for the tests that run against them (tools/openfaas.ts
// says where they are looked for). Without them such a test is skipped, with one line that says
// how to provide them; in CI (CI=true) their absence fails the run instead.
import { findProgram, howToProvide, type Program } from "../../tools/openfaas.js";

export function realProgram(program: Program): string | undefined {
  const path = findProgram(program);
  if (path !== undefined) return path;
  if (process.env["CI"] === "true") throw new Error(`${howToProvide(program)}: CI runs the tests against the real ${program}`);
  console.warn(`skipped, ${howToProvide(program)}`);
  return undefined;
}
