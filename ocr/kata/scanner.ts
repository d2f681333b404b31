/** The scanner's text file: per entry 3 lines of art and a blank line. */
import { LINE_WIDTH } from "./digits.js";
import type { Lines } from "./read.js";

/** What a blank line may hold (line ends apart). */
const BLANK = /^[ \t\v\f\u00a0\ufeff]*$/;

/**
 * The entries of a scanner file. Line ends may be LF, CRLF or CR; blank lines at the very end
 * are ignored and the last entry's blank line is optional. Error when the text is blank or
 * its shape is not 3 art lines and a blank one per entry.
 */
export function entriesOfText(text: string): Lines[] {
  const lines = text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/);
  while (lines.length > 0 && BLANK.test(lines.at(-1)!)) lines.pop();
  if (lines.length === 0) throw new Error("empty text");
  const entries: Lines[] = [];
  for (let l = 0; l < lines.length; l += 4) {
    if (l + 3 > lines.length) throw new Error(`line ${l + 1}: the last entry has only ${lines.length - l} art lines`);
    if (l + 3 < lines.length && !BLANK.test(lines[l + 3]!)) throw new Error(`line ${l + 4}: expected a blank line`);
    entries.push([lines[l]!, lines[l + 1]!, lines[l + 2]!]);
  }
  return entries;
}

/** The scanner file: per entry its 3 lines and a blank line of 27 spaces, each line ending in "\n". */
export function packetText(entries: readonly Lines[]): string {
  const blank = " ".repeat(LINE_WIDTH);
  return entries.map(([top, middle, bottom]) => `${top}\n${middle}\n${bottom}\n${blank}\n`).join("");
}
