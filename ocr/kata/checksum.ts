/**
 * The account number checksum, stated once: digits d9..d1 from left to right, valid when
 * (9*d9 + 8*d8 + ... + 1*d1) mod 11 === 0.
 */

/** True when `number` is exactly 9 ASCII digits and the checksum holds. */
export function isValid(number: string): boolean {
  if (!/^[0-9]{9}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (9 - i) * Number(number[i]);
  return sum % 11 === 0;
}

/** The last digit that makes 8 digits a valid number, or undefined when it would have to be 10. */
export function checkDigit(first8: string): number | undefined {
  for (let d = 0; d <= 9; d++) if (isValid(`${first8}${d}`)) return d;
  return undefined;
}
