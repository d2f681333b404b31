/**
 * Reading one entry's art: into cell keys (see cells.ts), and from keys into the 9 characters
 * the reader reports (a digit, "?" for an unreadable cell) and the entry's status. Lines are
 * given as (string, start, length) so the text form is read in place, without slicing it into
 * line strings; the regular text layout is read from bytes, keys and characters in one go.
 */
import { CHAR_CLASS, DIGIT_OF, FOREIGN, FOREIGN_BITS, GROUP_LOW_BITS, LINE_WIDTH, UNREADABLE_KEY } from "./cells.js";

// An entry's status before correction, and its name in the findings (by those numbers).
export const OK = 0;
export const ERR = 1;
export const ILL = 2;
export const STATUS_NAMES = ["OK", "ERR", "ILL"] as const;

/** The status of 9 characters read: any unreadable makes it ILL, else the checksum decides. */
function statusOf(unreadable: number, sum: number): number {
  return unreadable !== 0 ? ILL : sum % 11 === 0 ? OK : ERR;
}

const ZERO = 0x30;

/** The 9 characters at bytes[o..o+8] (a number as read, or drawn) as a string. */
export const numberAt = (bytes: Uint8Array, o: number): string =>
  String.fromCharCode(bytes[o]!, bytes[o + 1]!, bytes[o + 2]!, bytes[o + 3]!, bytes[o + 4]!, bytes[o + 5]!, bytes[o + 6]!, bytes[o + 7]!, bytes[o + 8]!);

/** The 9 characters of the cells keys[0..8] into out[to..to+8]; returns OK, ERR or ILL. */
export function readKeys(keys: Int32Array, out: Uint8Array, to: number): number {
  let unreadable = 0;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const d = DIGIT_OF[keys[i]!]!;
    // "0" + d is the digit, or "?" for UNREADABLE (15), the only d for which d + 1 reaches 16.
    out[to + i] = ZERO + d;
    unreadable |= (d + 1) & 16;
    sum += (9 - i) * d;
  }
  return statusOf(unreadable, sum);
}

/**
 * Keys of the 9 cells of three lines that each have at least 27 characters from their start.
 * Writes keys[0..8]; returns non-zero when some cell holds a foreign character.
 */
export function fullWidthKeys(
  s0: string,
  a0: number,
  s1: string,
  a1: number,
  s2: string,
  a2: number,
  keys: Int32Array,
): number {
  const C = CHAR_CLASS;
  let foreign = 0;
  for (let i = 0; i < 9; i++) {
    const key =
      (C[s0.charCodeAt(a0)]! << 16) |
      (C[s0.charCodeAt(a0 + 1)]! << 14) |
      (C[s0.charCodeAt(a0 + 2)]! << 12) |
      (C[s1.charCodeAt(a1)]! << 10) |
      (C[s1.charCodeAt(a1 + 1)]! << 8) |
      (C[s1.charCodeAt(a1 + 2)]! << 6) |
      (C[s2.charCodeAt(a2)]! << 4) |
      (C[s2.charCodeAt(a2 + 1)]! << 2) |
      C[s2.charCodeAt(a2 + 2)]!;
    keys[i] = key;
    foreign |= key & (key >>> 1);
    a0 += 3;
    a1 += 3;
    a2 += 3;
  }
  return foreign & FOREIGN_BITS;
}

/**
 * Byte rows for the regular text layout. Of the three legal characters, bits 5-6 of the byte
 * are 1 (space), 2 ("_"), 3 ("|"): one more than their class. So a cell row read as a 3-byte
 * word yields its class bits by shifting, and comparing the word with the one those bits stand
 * for (LEGAL_ROW, -1 for impossible rows) catches every other byte.
 */
const LEGAL_ROW: Int32Array = (() => {
  const codes = [0, 0x20, 0x5f, 0x7c];
  const table = new Int32Array(64).fill(-1);
  for (let row = 0; row < 64; row++) {
    const c0 = row >>> 4;
    const c1 = (row >>> 2) & 3;
    const c2 = row & 3;
    if (c0 !== 0 && c1 !== 0 && c2 !== 0) table[row] = codes[c0]! | (codes[c1]! << 8) | (codes[c2]! << 16);
  }
  return table;
})();

/**
 * Reads an entry whose 3 lines are 27 bytes each from o0, o1 and o2 of an ASCII buffer (the
 * text form: o, o + 28, o + 56): its cell keys into keys[0..8] and its characters into
 * out[to..to+8], as readKeys does, in the same pass. Returns OK, ERR or ILL; or -1 when some
 * byte is not one of the three legal characters, and the caller then reads the entry the
 * general way.
 *
 * This is the hot loop of reading, unrolled by hand: V8 does not unroll loops, and the 9 cells
 * written out read about 15% faster than a loop over them (A/B in one process; helpers called
 * 9 times are not all inlined, so they do not get there). Per cell: three 4-byte reads, one per
 * row, little-endian so the cell's first character is the low byte and the 4th byte, not the
 * cell's, is masked out of `bad` once at the end; each row's class bits by shifting (bits 5-6
 * of a legal byte are its class + 1), checked against the bytes they stand for (LEGAL_ROW).
 */
export function readRegularEntry(
  view: DataView,
  o0: number,
  o1: number,
  o2: number,
  keys: Int32Array,
  out: Uint8Array,
  to: number,
): number {
  const W = LEGAL_ROW;
  let w0: number, w1: number, w2: number, r0: number, r1: number, r2: number, key: number, d: number;
  let bad = 0;
  // d + 1 has bit 4 (16) set only for UNREADABLE (15); each 2-bit group of a key before
  // GROUP_LOW_BITS is taken off is its class + 1 (no borrow: all are >= 1 when legal).
  let unreadable = 0;
  let sum = 0;
  // Columns 1-3.
  w0 = view.getInt32(o0, true); w1 = view.getInt32(o1, true); w2 = view.getInt32(o2, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[0] = key; out[to] = ZERO + d; unreadable |= d + 1; sum += 9 * d;
  // Columns 4-6.
  w0 = view.getInt32(o0 + 3, true); w1 = view.getInt32(o1 + 3, true); w2 = view.getInt32(o2 + 3, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[1] = key; out[to + 1] = ZERO + d; unreadable |= d + 1; sum += 8 * d;
  // Columns 7-9.
  w0 = view.getInt32(o0 + 6, true); w1 = view.getInt32(o1 + 6, true); w2 = view.getInt32(o2 + 6, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[2] = key; out[to + 2] = ZERO + d; unreadable |= d + 1; sum += 7 * d;
  // Columns 10-12.
  w0 = view.getInt32(o0 + 9, true); w1 = view.getInt32(o1 + 9, true); w2 = view.getInt32(o2 + 9, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[3] = key; out[to + 3] = ZERO + d; unreadable |= d + 1; sum += 6 * d;
  // Columns 13-15.
  w0 = view.getInt32(o0 + 12, true); w1 = view.getInt32(o1 + 12, true); w2 = view.getInt32(o2 + 12, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[4] = key; out[to + 4] = ZERO + d; unreadable |= d + 1; sum += 5 * d;
  // Columns 16-18.
  w0 = view.getInt32(o0 + 15, true); w1 = view.getInt32(o1 + 15, true); w2 = view.getInt32(o2 + 15, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[5] = key; out[to + 5] = ZERO + d; unreadable |= d + 1; sum += 4 * d;
  // Columns 19-21.
  w0 = view.getInt32(o0 + 18, true); w1 = view.getInt32(o1 + 18, true); w2 = view.getInt32(o2 + 18, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[6] = key; out[to + 6] = ZERO + d; unreadable |= d + 1; sum += 3 * d;
  // Columns 22-24.
  w0 = view.getInt32(o0 + 21, true); w1 = view.getInt32(o1 + 21, true); w2 = view.getInt32(o2 + 21, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[7] = key; out[to + 7] = ZERO + d; unreadable |= d + 1; sum += 2 * d;
  // Columns 25-27.
  w0 = view.getInt32(o0 + 24, true); w1 = view.getInt32(o1 + 24, true); w2 = view.getInt32(o2 + 24, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[8] = key; out[to + 8] = ZERO + d; unreadable |= d + 1; sum += d;
  return (bad & 0xffffff) !== 0 ? -1 : statusOf(unreadable & 16, sum);
}

/** Class of column x of a line, a missing (short line) column reading as a space. */
function classAt(s: string, a: number, length: number, x: number): number {
  return x < length ? CHAR_CLASS[s.charCodeAt(a + x)]! : 0;
}

/** Keys of the 9 cells when some line is shorter than 27: the missing columns are spaces. */
function paddedKeys(
  s0: string, a0: number, l0: number,
  s1: string, a1: number, l1: number,
  s2: string, a2: number, l2: number,
  keys: Int32Array,
): number {
  let foreign = 0;
  for (let i = 0; i < 9; i++) {
    let key = 0;
    for (let x = 3 * i; x < 3 * i + 3; x++) key = (key << 2) | classAt(s0, a0, l0, x);
    for (let x = 3 * i; x < 3 * i + 3; x++) key = (key << 2) | classAt(s1, a1, l1, x);
    for (let x = 3 * i; x < 3 * i + 3; x++) key = (key << 2) | classAt(s2, a2, l2, x);
    keys[i] = key;
    foreign |= key & (key >>> 1);
  }
  return foreign & FOREIGN_BITS;
}

/** Whether the part of a line past column 27 is only spaces (then the line is fine). */
function onlySpacesPastWidth(s: string, a: number, length: number): boolean {
  for (let x = LINE_WIDTH; x < length; x++) if (s.charCodeAt(a + x) !== 0x20) return false;
  return true;
}

/** A character for a message: printable ASCII as itself, anything else escaped. */
export function describeChar(code: number): string {
  if (code >= 0x21 && code <= 0x7e) return String.fromCharCode(code);
  if (code === 0x20) return " ";
  if (code === 0x09) return "\\t";
  if (code === 0x0a) return "\\n";
  if (code === 0x0d) return "\\r";
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/** The first foreign character, line by line: "foreign character 'x' at line 1, column 4". */
function foreignReason(lines: readonly (readonly [string, number, number])[]): string {
  for (let row = 0; row < 3; row++) {
    const [s, a, length] = lines[row]!;
    const end = Math.min(length, LINE_WIDTH);
    for (let x = 0; x < end; x++) {
      const code = s.charCodeAt(a + x);
      if (CHAR_CLASS[code] === FOREIGN) {
        return `foreign character '${describeChar(code)}' at line ${row + 1}, column ${x + 1}`;
      }
    }
  }
  return "foreign character";
}

/**
 * Read one entry (3 lines, each s.slice(a, a + length)) into keys[0..8].
 * Returns undefined when the content is well formed (every cell then reads as a digit or as an
 * unreadable cell), or the reason the entry is malformed: a line too long (all cells unreadable)
 * or a foreign character (the cells holding one unreadable).
 */
export function decodeEntry(
  s0: string, a0: number, l0: number,
  s1: string, a1: number, l1: number,
  s2: string, a2: number, l2: number,
  keys: Int32Array,
): string | undefined {
  if (l0 === LINE_WIDTH && l1 === LINE_WIDTH && l2 === LINE_WIDTH) {
    if (fullWidthKeys(s0, a0, s1, a1, s2, a2, keys) === 0) return undefined;
  } else {
    const lengths = [l0, l1, l2];
    const starts = [a0, a1, a2];
    const strings = [s0, s1, s2];
    for (let row = 0; row < 3; row++) {
      const length = lengths[row]!;
      if (length > LINE_WIDTH && !onlySpacesPastWidth(strings[row]!, starts[row]!, length)) {
        keys.fill(UNREADABLE_KEY);
        return `line ${row + 1} is ${length} characters long (at most ${LINE_WIDTH})`;
      }
    }
    const foreign =
      l0 >= LINE_WIDTH && l1 >= LINE_WIDTH && l2 >= LINE_WIDTH
        ? fullWidthKeys(s0, a0, s1, a1, s2, a2, keys)
        : paddedKeys(s0, a0, l0, s1, a1, l1, s2, a2, l2, keys);
    if (foreign === 0) return undefined;
  }
  return foreignReason([
    [s0, a0, l0],
    [s1, a1, l1],
    [s2, a2, l2],
  ]);
}
