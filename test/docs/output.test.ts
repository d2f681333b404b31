// How a console block's shown output is compared with what its command prints.
import { expect, test } from "vitest";
import { expectedOutput, matches } from "../support/output.js";

test("whitespace runs are one space; trailing blank lines do not count", () => {
  expect(matches("Function\tInvocations    Replicas\ngenerador   12   1\n\n", expectedOutput(["Function  Invocations  Replicas", "generador  12  1"]))).toBe(true);
  expect(matches("generador 12 1", expectedOutput(["generador 12 2"]))).toBe(false);
});

test("... stands for any lines on its own, and for any text within a line", () => {
  const shown = expectedOutput(["...", "paquete ...: 5 entries, findings in paraeljefe-....txt", "..."]);
  expect(matches("> npm run\n\npaquete 3MyK: 5 entries, findings in paraeljefe-3MyK.txt\nOK  5", shown)).toBe(true);
  expect(matches("paquete 3MyK: 5 entries, findings in paraeljefe-3MyK.txt", shown)).toBe(true);
  expect(matches("paquete 3MyK: 4 entries, findings in paraeljefe-3MyK.txt", shown)).toBe(false);
  expect(matches("one\ntwo\nthree", expectedOutput(["one", "three"]))).toBe(false);
  expect(matches("a.b", expectedOutput(["a.b"]))).toBe(true);
  expect(matches("axb", expectedOutput(["a.b"]))).toBe(false);
});
