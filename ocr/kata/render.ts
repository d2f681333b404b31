/** Drawing numbers as scanner art. */
import { PATTERNS } from "./digits.js";

/** Three art lines from 9 cells (each 9 characters, its rows joined). */
export function draw(cells: readonly string[]): [string, string, string] {
  const row = (r: number) => cells.map((cell) => cell.slice(3 * r, 3 * r + 3)).join("");
  return [row(0), row(1), row(2)];
}

/** The art of a 9-digit number: 3 lines of 27 characters. RangeError for anything but 9 digits. */
export function render(number: string): [string, string, string] {
  if (!/^[0-9]{9}$/.test(number)) {
    throw new RangeError(`render needs a 9-digit number, got ${JSON.stringify(number)}`);
  }
  return draw([...number].map((digit) => PATTERNS[Number(digit)]!));
}
