/**
 * Digit cells: the ten 3x3 patterns and the lookup tables the reader runs on.
 *
 * A cell is read as a key: each of its 9 characters (row-major) gets a 2-bit class and the
 * classes are packed into 18 bits. Every question the reader asks about a cell (which digit,
 * does it hold a foreign character, which digits are one stroke away) is then one table lookup.
 */

/** Characters per art line: 9 cells of 3 columns. */
export const LINE_WIDTH = 27;
/** Digits per account number. */
export const DIGIT_COUNT = 9;

/** The ten digit patterns, the cell's three rows joined (3x3, row-major). */
export const PATTERNS: readonly string[] = Object.freeze([
  " _ | ||_|",
  "     |  |",
  " _  _||_ ",
  " _  _| _|",
  "   |_|  |",
  " _ |_  _|",
  " _ |_ |_|",
  " _   |  |",
  " _ |_||_|",
  " _ |_| _|",
]);

export const SPACE = 0;
export const UNDERSCORE = 1;
export const PIPE = 2;
export const FOREIGN = 3;

/** Class of every UTF-16 code unit, so `charCodeAt` results index it without a range check. */
export const CHAR_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(0x10000).fill(FOREIGN);
  table[0x20] = SPACE;
  table[0x5f] = UNDERSCORE;
  table[0x7c] = PIPE;
  return table;
})();

/** Number of distinct cell keys (4^9). */
export const KEY_COUNT = 1 << 18;

/** The low bit of each of a key's nine 2-bit groups. */
export const GROUP_LOW_BITS = 0x15555;

/** A key has a foreign character iff one of its 2-bit groups is 0b11: test `key & (key >>> 1) & FOREIGN_BITS`. */
export const FOREIGN_BITS = GROUP_LOW_BITS;

/** Key of a cell made only of foreign characters: used for entries whose lines cannot be cut into cells. */
export const UNREADABLE_KEY = KEY_COUNT - 1;

/**
 * Value of `DIGIT_OF[key]` for a cell that is not a digit: "?" - "0", so that "0" plus a
 * DIGIT_OF value is the character the reader reports, with no second table on the hot path.
 */
export const UNREADABLE = 0x3f - 0x30;

/** The 2-bit class pattern for a 9-character cell string (any characters; foreign ones → FOREIGN). */
export function keyOf(cell: string): number {
  if (cell.length !== 9) throw new RangeError(`a cell is 9 characters, got ${cell.length}`);
  let key = 0;
  for (let i = 0; i < 9; i++) key = (key << 2) | CHAR_CLASS[cell.charCodeAt(i)]!;
  return key;
}

const CLASS_CHAR = [" ", "_", "|"];

/** The 9-character cell for a key without foreign characters. */
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
 * The keys one stroke away from `key`: a space turned into `_` or `|`, or a `_`/`|` turned
 * into a space (turning `_` into `|` is two strokes). Only for keys without foreign characters.
 */
export function oneChangeKeys(key: number): number[] {
  const out: number[] = [];
  for (let shift = 16; shift >= 0; shift -= 2) {
    const cls = (key >>> shift) & 3;
    if (cls === SPACE) {
      out.push(key | (UNDERSCORE << shift), key | (PIPE << shift));
    } else if (cls !== FOREIGN) {
      out.push(key & ~(3 << shift));
    }
  }
  return out;
}

/**
 * For every key, a bit mask of the digits one stroke away from it (bit d = digit d).
 * One stroke is symmetric (adding undoes removing), so walking the ten patterns' own
 * one-stroke variants fills the whole table.
 */
export const NEIGHBOURS: Uint16Array = (() => {
  const table = new Uint16Array(KEY_COUNT);
  PATTERN_KEYS.forEach((key, digit) => {
    for (const near of oneChangeKeys(key)) table[near]! |= 1 << digit;
  });
  return table;
})();

/** Digit-to-digit neighbours (one stroke apart), derived from the table: e.g. 0 → [8]. */
export const DIGIT_NEIGHBOURS: readonly (readonly number[])[] = Object.freeze(
  PATTERN_KEYS.map((key) => Object.freeze(digitsOf(NEIGHBOURS[key]!))),
);

/** The digits set in a NEIGHBOURS mask, ascending. */
export function digitsOf(mask: number): number[] {
  const out: number[] = [];
  for (let d = 0; d <= 9; d++) if ((mask >>> d) & 1) out.push(d);
  return out;
}
