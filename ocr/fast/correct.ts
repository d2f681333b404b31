/**
 * Fast twin of kata/correct.ts `corrections`: the valid numbers one stroke away from an entry,
 * a stroke being one `|` or `_` added or removed in one cell. Instead of trying every variant,
 * each cell's key gives the digits one stroke away (keys.ts NEIGHBOURS), and the checksum
 * (kata/checksum.ts, restated inline) is updated for the one digit that changes.
 */
import { ZERO } from "./bytes.js";
import { DIGIT_OF, NEIGHBOURS, UNREADABLE } from "./keys.js";

// Scratch space, module state on purpose: correction runs on many entries and most find
// nothing, so it allocates nothing until it has a candidate. Safe because corrections() is
// synchronous, fills the scratch before it reads it, and returns fresh strings, never a view.
const digits = new Int32Array(9);
/** Candidates as (position * 16 + digit), in the order found. */
const found = new Int32Array(9 * 10);
const NO_CORRECTIONS: readonly string[] = Object.freeze([]);

/** Place value of each position, left to right, to order candidates numerically. */
const PLACE = [1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 10, 1];

/** The current digits with position `i` set to `d`, as a 9-character string. */
function numberWith(i: number, d: number): string {
  const was = digits[i]!;
  digits[i] = d;
  const number = String.fromCharCode(
    ZERO + digits[0]!, ZERO + digits[1]!, ZERO + digits[2]!, ZERO + digits[3]!, ZERO + digits[4]!,
    ZERO + digits[5]!, ZERO + digits[6]!, ZERO + digits[7]!, ZERO + digits[8]!,
  );
  digits[i] = was;
  return number;
}

/** Numeric value of a candidate (the unreadable cell, if any, counts 0 in `digits`). */
function valueOf(candidate: number, base: number): number {
  const i = candidate >>> 4;
  return base + ((candidate & 15) - digits[i]!) * PLACE[i]!;
}

/**
 * The valid numbers (ascending) one stroke away from the entry whose 9 cell keys are
 * keys[at..at+8]. The keys must hold no foreign character. With two or more unreadable cells
 * there are none: one stroke can mend only one cell.
 */
export function corrections(keys: Int32Array, at: number): readonly string[] {
  let unreadable = -1;
  let sum = 0;
  let value = 0;
  for (let i = 0; i < 9; i++) {
    let d = DIGIT_OF[keys[at + i]!]!;
    if (d === UNREADABLE) {
      if (unreadable !== -1) return NO_CORRECTIONS;
      unreadable = i;
      d = 0;
    }
    digits[i] = d;
    sum += (9 - i) * d;
    value += d * PLACE[i]!;
  }
  // With an unreadable cell only that cell may change; else any cell may.
  const from = unreadable === -1 ? 0 : unreadable;
  const to = unreadable === -1 ? 9 : unreadable + 1;
  let count = 0;
  for (let i = from; i < to; i++) {
    const weight = 9 - i;
    const rest = sum - weight * digits[i]!;
    // Visit only the set bits: most cells have 0 to 3 neighbours.
    for (let mask = NEIGHBOURS[keys[at + i]!]!; mask !== 0; ) {
      const d = 31 - Math.clz32(mask);
      mask ^= 1 << d;
      if ((rest + weight * d) % 11 === 0) found[count++] = (i << 4) | d;
    }
  }
  if (count === 0) return NO_CORRECTIONS;
  // Insertion sort by numeric value: a handful of candidates at most.
  for (let j = 1; j < count; j++) {
    const c = found[j]!;
    const v = valueOf(c, value);
    let k = j - 1;
    while (k >= 0 && valueOf(found[k]!, value) > v) {
      found[k + 1] = found[k]!;
      k--;
    }
    found[k + 1] = c;
  }
  const out: string[] = [];
  for (let j = 0; j < count; j++) out.push(numberWith(found[j]! >>> 4, found[j]! & 15));
  return out;
}
