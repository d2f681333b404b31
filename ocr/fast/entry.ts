/**
 * Fast twin of kata/read.ts `readEntry`: one entry's art into its cell keys (keys.ts), and
 * from the keys into the 9 characters read (a digit, "?" for an unreadable cell) and the
 * status, written where the packet keeps them. The regular text layout is read from bytes,
 * keys and characters in one pass; anything else the general way, from line strings.
 */
import { cellsOf, malformed, type Lines } from "../kata/read.js";
import { ZERO } from "./bytes.js";
import { DIGIT_OF, GROUP_LOW_BITS, UNREADABLE_KEY, keyOf } from "./keys.js";
import { ERR, ILL, OK } from "./status.js";

/**
 * The status of 9 characters read: any unreadable makes it ILL, else the checksum decides
 * (kata/checksum.ts `isValid`, restated as the weighted sum the callers add up as they read).
 */
function statusOf(unreadable: number, sum: number): number {
  return unreadable !== 0 ? ILL : sum % 11 === 0 ? OK : ERR;
}

/** The 9 characters of the cells keys[0..8] into out[to..to+8]; returns OK, ERR or ILL. */
export function readKeys(keys: Int32Array, out: Uint8Array, to: number): number {
  const zero = ZERO;
  let unreadable = 0;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const d = DIGIT_OF[keys[i]!]!;
    // "0" + d is the digit, or "?" for UNREADABLE (15), the only d for which d + 1 reaches 16.
    out[to + i] = zero + d;
    unreadable |= (d + 1) & 16;
    sum += (9 - i) * d;
  }
  return statusOf(unreadable, sum);
}

/**
 * Byte rows for the regular text layout. Of the three legal characters (kata/read.ts), bits
 * 5-6 of the byte are 1 (space), 2 ("_"), 3 ("|"): one more than their class. So a cell row
 * read as a 3-byte word yields its class bits by shifting, and comparing the word with the one
 * those bits stand for (LEGAL_ROW, -1 for impossible rows) catches every other byte.
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
 * This is the hot loop of reading, its 9 cells written out by hand because the engine does
 * not unroll loops and helpers called 9 times are not all inlined (a loop over the cells
 * measured slower; see bench/). It restates kata/checksum.ts inline: weights 9..1, the sum
 * mod 11 in statusOf. Per cell: three 4-byte reads, one per
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
  const zero = ZERO;
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
  d = DIGIT_OF[key]!; keys[0] = key; out[to] = zero + d; unreadable |= d + 1; sum += 9 * d;
  // Columns 4-6.
  w0 = view.getInt32(o0 + 3, true); w1 = view.getInt32(o1 + 3, true); w2 = view.getInt32(o2 + 3, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[1] = key; out[to + 1] = zero + d; unreadable |= d + 1; sum += 8 * d;
  // Columns 7-9.
  w0 = view.getInt32(o0 + 6, true); w1 = view.getInt32(o1 + 6, true); w2 = view.getInt32(o2 + 6, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[2] = key; out[to + 2] = zero + d; unreadable |= d + 1; sum += 7 * d;
  // Columns 10-12.
  w0 = view.getInt32(o0 + 9, true); w1 = view.getInt32(o1 + 9, true); w2 = view.getInt32(o2 + 9, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[3] = key; out[to + 3] = zero + d; unreadable |= d + 1; sum += 6 * d;
  // Columns 13-15.
  w0 = view.getInt32(o0 + 12, true); w1 = view.getInt32(o1 + 12, true); w2 = view.getInt32(o2 + 12, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[4] = key; out[to + 4] = zero + d; unreadable |= d + 1; sum += 5 * d;
  // Columns 16-18.
  w0 = view.getInt32(o0 + 15, true); w1 = view.getInt32(o1 + 15, true); w2 = view.getInt32(o2 + 15, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[5] = key; out[to + 5] = zero + d; unreadable |= d + 1; sum += 4 * d;
  // Columns 19-21.
  w0 = view.getInt32(o0 + 18, true); w1 = view.getInt32(o1 + 18, true); w2 = view.getInt32(o2 + 18, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[6] = key; out[to + 6] = zero + d; unreadable |= d + 1; sum += 3 * d;
  // Columns 22-24.
  w0 = view.getInt32(o0 + 21, true); w1 = view.getInt32(o1 + 21, true); w2 = view.getInt32(o2 + 21, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[7] = key; out[to + 7] = zero + d; unreadable |= d + 1; sum += 2 * d;
  // Columns 25-27.
  w0 = view.getInt32(o0 + 24, true); w1 = view.getInt32(o1 + 24, true); w2 = view.getInt32(o2 + 24, true);
  r0 = ((w0 >>> 1) & 0x30) | ((w0 >>> 11) & 0x0c) | ((w0 >>> 21) & 3);
  r1 = ((w1 >>> 1) & 0x30) | ((w1 >>> 11) & 0x0c) | ((w1 >>> 21) & 3);
  r2 = ((w2 >>> 1) & 0x30) | ((w2 >>> 11) & 0x0c) | ((w2 >>> 21) & 3);
  bad |= (W[r0]! ^ w0) | (W[r1]! ^ w1) | (W[r2]! ^ w2);
  key = ((r0 << 12) | (r1 << 6) | r2) - GROUP_LOW_BITS;
  d = DIGIT_OF[key]!; keys[8] = key; out[to + 8] = zero + d; unreadable |= d + 1; sum += d;
  return (bad & 0xffffff) !== 0 ? -1 : statusOf(unreadable & 16, sum);
}

/**
 * Reads one entry the general way: its cell keys into keys[0..8]. Returns the reason the
 * entry is malformed (kata/read.ts `malformed`: a line too long, then every cell is
 * unreadable; or a foreign character, and the cells holding one are), or undefined.
 */
export function decodeEntry(lines: Lines, keys: Int32Array): string | undefined {
  const problem = malformed(lines);
  if (problem?.wholeEntry === true) {
    keys.fill(UNREADABLE_KEY);
  } else {
    const cells = cellsOf(lines);
    for (let i = 0; i < 9; i++) keys[i] = keyOf(cells[i]!);
  }
  return problem?.reason;
}
