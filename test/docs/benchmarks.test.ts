// docs/benchmarks.md shows the committed results through a table bench/table.ts makes from
// bench/results.json: the page must hold exactly what the script makes from the file now.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import type { Results } from "../../bench/results.js";
import { BEGIN, END, resultsSection, withResults } from "../../bench/table.js";
import { ROOT } from "../support/docs.js";

const page = () => readFileSync(join(ROOT, "docs", "benchmarks.md"), "utf8");
const results = () => JSON.parse(readFileSync(join(ROOT, "bench", "results.json"), "utf8")) as Results;

test("docs/benchmarks.md's results table is the one bench/results.json makes (npm run bench:table rewrites it)", () => {
  expect(page()).toContain(BEGIN);
  expect(withResults(page(), results())).toBe(page());
});

test("the table names the machine and the commit, and changes when the results do", () => {
  const committed = results();
  const section = resultsSection(committed);
  expect(section).toContain(`commit \`${committed.commit}\``);
  expect(section).toContain(committed.machine.cpu);
  expect(section.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| measurement") && !line.startsWith("| RSS"))).toHaveLength(
    committed.ratios.length + Object.keys(committed.memory).length,
  );
  const moved = { ...committed, ratios: committed.ratios.map((r, i) => (i === 0 ? { ...r, ratio: r.ratio * 2 } : r)) };
  expect(withResults(page(), moved)).not.toBe(page());
  expect(() => withResults(`no markers\n${END}`, committed)).toThrow(/no generated section/);
});
