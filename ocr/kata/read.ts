/** Reading one entry: its 3 art lines into 9 characters (a digit, "?" for a cell that shows none) and a status. */
import { isValid } from "./checksum.js";
import { LINE_WIDTH, digitOf } from "./digits.js";
import type { Finding } from "./findings.js";

/** One entry's art: its 3 lines. */
export type Lines = readonly [string, string, string];

/** The 9 cells of an entry, each its 3 rows joined; a short line reads as if padded with spaces. */
export function cellsOf(lines: Lines): string[] {
  const [top, middle, bottom] = lines.map((line) => line.padEnd(LINE_WIDTH, " ")) as [string, string, string];
  const cells: string[] = [];
  for (let x = 0; x < LINE_WIDTH; x += 3) cells.push(top.slice(x, x + 3) + middle.slice(x, x + 3) + bottom.slice(x, x + 3));
  return cells;
}

/** A character for a message: printable ASCII as itself, anything else escaped. */
function describeChar(code: number): string {
  if (code >= 0x20 && code <= 0x7e) return String.fromCharCode(code);
  const named: Record<number, string> = { 0x09: "\\t", 0x0a: "\\n", 0x0d: "\\r" };
  return named[code] ?? `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Why an entry is malformed, if it is: a line with more than spaces past column 27 (then no
 * cell can be trusted), else the first character that is not a space, "|" or "_".
 */
export function malformed(lines: Lines): { reason: string; wholeEntry: boolean } | undefined {
  for (let row = 0; row < 3; row++) {
    const line = lines[row]!;
    if (/[^ ]/.test(line.slice(LINE_WIDTH))) {
      return { reason: `line ${row + 1} is ${line.length} characters long (at most ${LINE_WIDTH})`, wholeEntry: true };
    }
  }
  for (let row = 0; row < 3; row++) {
    const line = lines[row]!;
    const x = line.slice(0, LINE_WIDTH).search(/[^ |_]/);
    if (x !== -1) {
      return { reason: `foreign character '${describeChar(line.charCodeAt(x))}' at line ${row + 1}, column ${x + 1}`, wholeEntry: false };
    }
  }
  return undefined;
}

/** The characters read from an entry's cells. */
export function numberOf(lines: Lines): string {
  let number = "";
  for (const cell of cellsOf(lines)) number += digitOf(cell) ?? "?";
  return number;
}

/** One entry's finding before correction: ILL if a cell shows no digit, else the checksum decides. */
export function readEntry(lines: Lines): Finding {
  const problem = malformed(lines);
  const number = problem?.wholeEntry === true ? "?????????" : numberOf(lines);
  const status = number.includes("?") ? "ILL" : isValid(number) ? "OK" : "ERR";
  return problem === undefined ? { number, status } : { number, status, reason: problem.reason };
}
