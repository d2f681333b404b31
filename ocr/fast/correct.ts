/**
 * Fast twin of kata/correct.ts `corrections`: the valid numbers one stroke away from an entry,
 * a stroke being one `|` or `_` added or removed in one cell. Instead of trying every variant,
 * each cell's key gives the digits one stroke away (keys.ts NEIGHBOURS), and the checksum
 * (kata/checksum.ts, restated inline) is updated for the one digit that changes.
 */
import { ZERO } from "./bytes.js";
import { DIGIT_OF, NEIGHBOURS, UNREADABLE } from "./keys.js";

const NO_CORRECTIONS: readonly string[] = Object.freeze([]);

/** Place value of each position, left to right, to order candidates numerically. */
const PLACE = [1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 10, 1];

/** `digits` with position `i` set to `d`, as a 9-character string. */
function numberWith(digits: readonly number[], i: number, d: number): string {
  let number = "";
  for (let j = 0; j < 9; j++) number += String.fromCharCode(ZERO + (j === i ? d : digits[j]!));
  return number;
}

/**
 * The valid numbers (ascending) one stroke away from the entry whose 9 cell keys are
 * keys[at..at+8]. The keys must hold no foreign character. With two or more unreadable cells
 * there are none: one stroke can mend only one cell.
 */
export function corrections(keys: Int32Array, at: number): readonly string[] {
  const digits: number[] = [];
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
    digits.push(d);
    sum += (9 - i) * d;
    value += d * PLACE[i]!;
  }
  // With an unreadable cell only that cell may change; else any cell may.
  const from = unreadable === -1 ? 0 : unreadable;
  const to = unreadable === -1 ? 9 : unreadable + 1;
  /** Candidates as [numeric value, position, digit]. */
  const found: [number, number, number][] = [];
  for (let i = from; i < to; i++) {
    const weight = 9 - i;
    const rest = sum - weight * digits[i]!;
    // Visit only the set bits: most cells have 0 to 3 neighbours.
    for (let mask = NEIGHBOURS[keys[at + i]!]!; mask !== 0; ) {
      const d = 31 - Math.clz32(mask);
      mask ^= 1 << d;
      if ((rest + weight * d) % 11 === 0) found.push([value + (d - digits[i]!) * PLACE[i]!, i, d]);
    }
  }
  if (found.length === 0) return NO_CORRECTIONS;
  found.sort((a, b) => a[0] - b[0]);
  return found.map(([, i, d]) => numberWith(digits, i, d));
}
