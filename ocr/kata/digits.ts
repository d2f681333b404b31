/** The ten digits as the scanner draws them: 3x3 cells of spaces, pipes and underscores. */

/** Characters per art line: 9 cells of 3 columns. */
export const LINE_WIDTH = 27;

/** The digits 0 to 9 side by side, as the spec shows them: a cell is 3 columns of these rows. */
const DRAWN = [
  " _     _  _     _  _  _  _  _ ",
  "| |  | _| _||_||_ |_   ||_||_|",
  "|_|  ||_  _|  | _||_|  ||_| _|",
] as const;

/** Each digit's cell, its three rows joined (row-major): PATTERNS[1] is "     |  |". */
export const PATTERNS: readonly string[] = Object.freeze(
  Array.from({ length: 10 }, (_, digit) => DRAWN.map((row) => row.slice(3 * digit, 3 * digit + 3)).join("")),
);

const DIGITS = new Map(PATTERNS.map((pattern, digit) => [pattern, digit]));

/** The digit a cell (its rows joined) shows, or undefined when it shows none. */
export function digitOf(cell: string): number | undefined {
  return DIGITS.get(cell);
}

/** The cells one stroke away: one space turned into "_" or "|", or one "_" or "|" into a space. */
export function oneStrokeFrom(cell: string): string[] {
  const variants: string[] = [];
  for (let p = 0; p < cell.length; p++) {
    const replacements = cell[p] === " " ? ["_", "|"] : cell[p] === "_" || cell[p] === "|" ? [" "] : [];
    for (const ch of replacements) variants.push(cell.slice(0, p) + ch + cell.slice(p + 1));
  }
  return variants;
}

/** For each digit, the digits one stroke away from it, ascending: 0 → [8]. */
export const DIGIT_NEIGHBOURS: readonly (readonly number[])[] = Object.freeze(
  PATTERNS.map((pattern) =>
    Object.freeze(oneStrokeFrom(pattern).map(digitOf).filter((d) => d !== undefined).sort((a, b) => a - b)),
  ),
);
