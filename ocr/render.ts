/** Drawing numbers as scanner art. */
import { PATTERNS } from "./cells.js";

/** One entry's art: its 3 lines. */
export type Lines = readonly [string, string, string];

const codes: number[] = new Array<number>(27).fill(0x20);

/** Art line `row` (0-2) of 9 cells. */
function lineOf(cells: readonly string[], row: number): string {
  const from = 3 * row;
  for (let i = 0, x = 0; i < 9; i++) {
    const cell = cells[i]!;
    codes[x++] = cell.charCodeAt(from);
    codes[x++] = cell.charCodeAt(from + 1);
    codes[x++] = cell.charCodeAt(from + 2);
  }
  return String.fromCharCode(...codes);
}

/** Three art lines from 9 cells (each a 9-character pattern, rows joined). */
export function linesOf(cells: readonly string[]): [string, string, string] {
  if (cells.length !== 9 || cells.some((cell) => cell.length !== 9)) {
    throw new RangeError("linesOf needs 9 cells of 9 characters");
  }
  return [lineOf(cells, 0), lineOf(cells, 1), lineOf(cells, 2)];
}

/** The art of a 9-digit number: 3 lines of 27 characters. RangeError for anything but 9 digits. */
export function render(number: string): [string, string, string] {
  if (!/^[0-9]{9}$/.test(number)) {
    throw new RangeError(`render needs a 9-digit number, got ${JSON.stringify(number)}`);
  }
  const cells: string[] = [];
  for (let i = 0; i < 9; i++) cells.push(PATTERNS[number.charCodeAt(i) - 48]!);
  return linesOf(cells);
}
