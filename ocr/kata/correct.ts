/**
 * Error correction by brute force: every variant of an entry that adds or removes one "|" or
 * "_" in one cell, kept when it reads as a valid number.
 */
import { isValid } from "./checksum.js";
import { digitOf, oneStrokeFrom } from "./digits.js";
import type { Finding } from "./findings.js";
import { cellsOf, numberOf, type Lines } from "./read.js";

/** The valid numbers one stroke away from an entry, ascending. */
export function corrections(lines: Lines): string[] {
  const number = numberOf(lines);
  const unreadable = [...number].filter((ch) => ch === "?").length;
  // One stroke mends one cell: with an unreadable cell, only that one.
  if (unreadable > 1) return [];
  const found = new Set<string>();
  cellsOf(lines).forEach((cell, i) => {
    if (unreadable === 1 && number[i] !== "?") return;
    for (const variant of oneStrokeFrom(cell)) {
      const digit = digitOf(variant);
      const candidate = `${number.slice(0, i)}${digit}${number.slice(i + 1)}`;
      if (digit !== undefined && isValid(candidate)) found.add(candidate);
    }
  });
  return [...found].sort();
}

/**
 * The finding after correction: an ERR or ILL entry with exactly one valid number one stroke
 * away becomes that number, OK; with several, AMB and the candidates; else it stays. Valid
 * and malformed entries are left as they are.
 */
export function correct(finding: Finding, lines: Lines): Finding {
  if (finding.status === "OK" || finding.reason !== undefined) return finding;
  return withCorrections(finding, corrections(lines));
}

/** An ERR or ILL finding given the valid numbers one stroke away (see correct). */
export function withCorrections({ number, status }: Finding, found: readonly string[]): Finding {
  if (found.length === 0) return { number, status };
  if (found.length === 1) return { number: found[0]!, status: "OK", corrected: true, original: number };
  return { number, status: "AMB", original: number, candidates: found };
}
