/**
 * The account number checksum: digits d9..d1 left to right, valid when
 * (9*d9 + 8*d8 + ... + 1*d1) mod 11 === 0.
 */

/** Weight of each position, left to right. */
export const WEIGHTS: readonly number[] = Object.freeze([9, 8, 7, 6, 5, 4, 3, 2, 1]);

/** True when `number` is exactly 9 ASCII digits and the checksum holds. */
export function isValid(number: string): boolean {
  if (number.length !== 9) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const d = number.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    sum += (9 - i) * d;
  }
  return sum % 11 === 0;
}

/**
 * The last digit d1 that makes the first 8 digits (d9..d2) a valid number, or undefined when it
 * would have to be 10. (A remainder of 0 needs 11 - 0 = 11 → 0.)
 */
export function checkDigit(first8: readonly number[]): number | undefined {
  if (first8.length !== 8) throw new RangeError(`checkDigit needs 8 digits, got ${first8.length}`);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * first8[i]!;
  const d = (11 - (sum % 11)) % 11;
  return d === 10 ? undefined : d;
}
