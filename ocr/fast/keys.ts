/**
 * Fast twin of kata/digits.ts `digitOf`: a cell read as a number, its key, and the tables
 * that answer every question about a key in one lookup.
 *
 * Each of a cell's 9 characters (row-major) gets a 2-bit class, packed into 18 bits: which
 * digit the cell shows, whether it holds a foreign character, which digits are one stroke
 * away. The tables are derived from the kata's patterns and strokes when the module loads.
 */
import { PATTERNS, oneStrokeFrom } from "../kata/digits.js";
import { QUESTION_MARK, ZERO } from "./bytes.js";

const SPACE = 0;
const UNDERSCORE = 1;
const PIPE = 2;
const FOREIGN = 3;

/**
 * Class of every UTF-16 code unit, so `charCodeAt` results index it without a range check; the
 * three legal characters restated from kata/read.ts.
 */
const CHAR_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(0x10000).fill(FOREIGN);
  table[0x20] = SPACE;
  table[0x5f] = UNDERSCORE;
  table[0x7c] = PIPE;
  return table;
})();

/** Number of distinct cell keys (4^9). */
const KEY_COUNT = 1 << 18;

/** The low bit of each of a key's nine 2-bit groups. */
export const GROUP_LOW_BITS = 0x15555;

/** Key of a cell made only of foreign characters: used for entries whose lines cannot be cut into cells. */
export const UNREADABLE_KEY = KEY_COUNT - 1;

/**
 * Value of `DIGIT_OF[key]` for a cell that is not a digit: "?" - "0", so that "0" plus a
 * DIGIT_OF value is the character the reader reports, with no second table on the hot path.
 */
export const UNREADABLE = QUESTION_MARK - ZERO;

/** The key of a 9-character cell string (any characters; foreign ones → FOREIGN). */
export function keyOf(cell: string): number {
  if (cell.length !== 9) throw new RangeError(`a cell is 9 characters, got ${cell.length}`);
  let key = 0;
  for (let i = 0; i < 9; i++) key = (key << 2) | CHAR_CLASS[cell.charCodeAt(i)]!;
  return key;
}

const CLASS_CHAR = [" ", "_", "|"];

/** The 9-character cell of a key without foreign characters. */
export function patternOf(key: number): string {
  let cell = "";
  for (let shift = 16; shift >= 0; shift -= 2) {
    const ch = CLASS_CHAR[(key >>> shift) & 3];
    if (ch === undefined) throw new RangeError(`key ${key} holds a foreign character`);
    cell += ch;
  }
  return cell;
}

/** Keys of the ten patterns, by digit. */
export const PATTERN_KEYS: readonly number[] = Object.freeze(PATTERNS.map(keyOf));

/** Digit (0-9) read from a key, UNREADABLE for anything else. */
export const DIGIT_OF: Uint8Array = (() => {
  const table = new Uint8Array(KEY_COUNT).fill(UNREADABLE);
  PATTERN_KEYS.forEach((key, digit) => {
    table[key] = digit;
  });
  return table;
})();

/**
 * For every key, a bit mask of the digits one stroke away from it (bit d = digit d).
 * One stroke is symmetric (adding undoes removing), so walking the ten patterns' own
 * one-stroke variants fills the whole table.
 */
export const NEIGHBOURS: Uint16Array = (() => {
  const table = new Uint16Array(KEY_COUNT);
  PATTERNS.forEach((pattern, digit) => {
    for (const near of oneStrokeFrom(pattern)) table[keyOf(near)]! |= 1 << digit;
  });
  return table;
})();
