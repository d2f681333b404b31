// Shown output against real output, for the docs' console blocks: whitespace runs count as one
// space (columns are aligned with tabs or spaces), `...` on a line of its own stands for any
// number of lines, and within a line for any text (a KSUID, a count).

/** The shown lines, normalised; trailing blank lines dropped. */
export function expectedOutput(lines: readonly string[]): string[] {
  const normal = lines.map(normalise);
  while (normal.length > 0 && normal.at(-1) === "") normal.pop();
  return normal;
}

const normalise = (line: string) => line.trim().replace(/\s+/g, " ");

function lineMatches(actual: string, expected: string): boolean {
  if (!expected.includes("...")) return actual === expected;
  const pattern = expected
    .split("...")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern}$`).test(actual);
}

/** Whether `output` is what `expected` (from expectedOutput) shows. */
export function matches(output: string, expected: readonly string[]): boolean {
  const actual = expectedOutput(output.split("\n"));
  const from = (a: number, e: number): boolean => {
    if (e === expected.length) return a === actual.length;
    if (expected[e] === "...") {
      for (let next = a; next <= actual.length; next++) if (from(next, e + 1)) return true;
      return false;
    }
    return a < actual.length && lineMatches(actual[a]!, expected[e]!) && from(a + 1, e + 1);
  };
  return from(0, 0);
}
