// The reference decoders the domain module is measured against: the algorithm of the packet
// service this project grew from, written as plainly as it was (split the text into lines,
// slice 3 characters from each of an entry's 3 lines, concatenate, look the 9 characters up
// in a map of the ten patterns), and the classic exercise's brute-force error correction on
// top of it. Both produce the same findings as ocr/ for well-formed packets; the benchmark
// checks that before it times them, so both sides always do the same work.
import { PATTERNS } from "../ocr/index.js";

export interface PlainFinding {
  readonly number: string;
  readonly status: string;
  readonly candidates?: readonly string[];
}

const DIGITS = new Map(PATTERNS.map((pattern, digit) => [pattern, String(digit)]));

function checksumHolds(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (9 - i) * Number(number[i]);
  return sum % 11 === 0;
}

/** The 9 cells of an entry, each its 3 rows of 3 characters joined. */
function cellsOf(top: string, middle: string, bottom: string): string[] {
  const cells: string[] = [];
  for (let x = 0; x < 27; x += 3) cells.push(top.slice(x, x + 3) + middle.slice(x, x + 3) + bottom.slice(x, x + 3));
  return cells;
}

function statusOf(number: string): string {
  if (number.includes("?")) return "ILL";
  return checksumHolds(number) ? "OK" : "ERR";
}

/** Valid numbers one stroke (one `|` or `_` added or removed) away, by trying every variant. */
function oneStrokeFixes(cells: readonly string[], number: string): string[] {
  const unreadable = [...number].filter((ch) => ch === "?").length;
  if (unreadable > 1) return [];
  const fixes: string[] = [];
  for (let i = 0; i < 9; i++) {
    // With an unreadable cell, only that cell can be the one to mend.
    if (unreadable === 1 && number[i] !== "?") continue;
    const cell = cells[i]!;
    for (let p = 0; p < 9; p++) {
      const replacements = cell[p] === " " ? ["_", "|"] : cell[p] === "_" || cell[p] === "|" ? [" "] : [];
      for (const ch of replacements) {
        const digit = DIGITS.get(cell.slice(0, p) + ch + cell.slice(p + 1));
        if (digit === undefined) continue;
        const candidate = number.slice(0, i) + digit + number.slice(i + 1);
        if (checksumHolds(candidate) && !fixes.includes(candidate)) fixes.push(candidate);
      }
    }
  }
  return fixes.sort();
}

/** The scanner text's findings, as the original service's client read them (optionally corrected). */
export function originalRead(text: string, correct = false): PlainFinding[] {
  const lines = text.split("\n");
  const findings: PlainFinding[] = [];
  for (let l = 0; l + 2 < lines.length; l += 4) {
    const cells = cellsOf(lines[l]!, lines[l + 1]!, lines[l + 2]!);
    let number = "";
    for (const cell of cells) number += DIGITS.get(cell) ?? "?";
    const status = statusOf(number);
    if (!correct || status === "OK") {
      findings.push({ number, status });
      continue;
    }
    const fixes = oneStrokeFixes(cells, number);
    if (fixes.length === 0) findings.push({ number, status });
    else if (fixes.length === 1) findings.push({ number: fixes[0]!, status: "OK" });
    else findings.push({ number, status: "AMB", candidates: fixes });
  }
  return findings;
}
