// Shared helpers for the reliability tests: the checks every answer must pass, and the flag of
// Node's permission model. Sending requests and starting functions: test/support/.
import { expect } from "vitest";
import { ROOT } from "../support/functions.js";
import type { Answer } from "../support/http.js";

/** The longest a request may take: 2 s, plus 1 s per MB sent and received. */
export const timeBound = (bytes: number): number => 2000 + bytes / 1000;

/** Text that would betray internals: stack frames, file paths of the image or the repository. */
export function leaks(text: string, paths: readonly string[] = []): string | undefined {
  const patterns: readonly [string, RegExp][] = [
    ["a stack frame", /\n\s+at \S|\bat (?:async )?\S+ \(\S+:\d+:\d+\)/],
    ["a node internal", /node:internal|node_modules/],
    ["an image path", /\/home\/app\//],
  ];
  for (const [what, pattern] of patterns) if (pattern.test(text)) return what;
  for (const path of [ROOT, ...paths]) if (text.includes(path)) return `the path ${path}`;
  return undefined;
}

/**
 * What every answer must be: a 2xx, or a 4xx whose JSON (or, when asked for, text) message
 * says something; never a 5xx; nosniff; nothing internal; in time for its size. An answer to
 * HEAD has no body, so no message.
 */
export function expectSound(answer: Answer, what: string, method = "GET"): void {
  const context = `${what} → ${answer.status} ${answer.body.slice(0, 300)}`;
  expect(answer.status >= 200 && answer.status < 300 || answer.status >= 400 && answer.status < 500, context).toBe(true);
  expect(answer.headers["x-content-type-options"], context).toBe("nosniff");
  expect(String(answer.headers["content-type"] ?? ""), context).not.toMatch(/html/i);
  expect(leaks(answer.body), context).toBeUndefined();
  expect(answer.ms, `${context} took ${answer.ms.toFixed(0)} ms`).toBeLessThan(timeBound(answer.bytes));
  // Headers over Node's limit may be refused before their method is known (it might be HEAD,
  // whose answer has no body): then the status line alone names the problem.
  const bare = answer.status === 431 && answer.body === "" && answer.statusText === "Request Header Fields Too Large";
  if (answer.status >= 400 && method !== "HEAD" && !bare) {
    const type = String(answer.headers["content-type"]);
    const message = type.startsWith("application/json") ? (JSON.parse(answer.body) as { error?: unknown }).error : answer.body.trim();
    expect(typeof message === "string" && message.length >= 10, `${context}: a message that names the problem`).toBe(true);
  }
}

/** The flag that turns Node's permission model on: experimental up to 22.12, stable since. */
export function permissionFlag(version = process.versions.node): string {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 13) ? "--permission" : "--experimental-permission";
}
