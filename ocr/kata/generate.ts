/**
 * Generating paquete content the way the original packet service did: valid readings, some
 * spoiled on purpose at preset rates, and the findings the reader must give (the key).
 */
import { checkDigit } from "./checksum.js";
import { PATTERNS, digitOf, oneStrokeFrom } from "./digits.js";
import { Random } from "./random.js";
import type { Lines } from "./read.js";
import { draw } from "./render.js";

export interface GenerateOptions {
  /** Number of entries. */
  readonly count: number;
  /** PRNG seed (uint32): the same options always give the same entries. */
  readonly seed: number;
  /** Share of entries with a checksum error, in [0, 1]. */
  readonly errRate: number;
  /** Share of entries with a scan error (unreadable cells), in [0, 1]; errRate + illRate <= 1. */
  readonly illRate: number;
}

/** Share of scan errors that spoil one cell by a single stroke (the rest spoil two cells at random). */
export const ONE_STROKE_SHARE = 0.75;

/** Eight digits at random, drawn four at a time, and the 9th so the checksum holds; drawn again when it would be 10. */
function validNumber(random: Random): string {
  for (;;) {
    const first8 = String(random.int(10_000)).padStart(4, "0") + String(random.int(10_000)).padStart(4, "0");
    const last = checkDigit(first8);
    if (last !== undefined) return `${first8}${last}`;
  }
}

/** A random cell of spaces, "_" and "|" that shows no digit. */
function nonDigit(random: Random): string {
  for (;;) {
    const cell = Array.from({ length: 9 }, () => " _|"[random.int(3)]).join("");
    if (digitOf(cell) === undefined) return cell;
  }
}

/** Each entry's art and the finding line the reader must give without correction. */
export function generate(options: GenerateOptions): { entries: Lines[]; key: string[] } {
  const random = new Random(options.seed);
  const entries: Lines[] = [];
  const key: string[] = [];
  for (let n = 0; n < options.count; n++) {
    const digits = [...validNumber(random)];
    const cells = digits.map((digit) => PATTERNS[Number(digit)]!);
    let status = "OK";
    const spoil = random.float();
    if (spoil < options.errRate) {
      // Another digit in one place: the checksum then fails (weight * change is never a multiple of 11).
      const position = random.int(9);
      const other = random.int(9);
      const digit = other >= Number(digits[position]) ? other + 1 : other;
      digits[position] = String(digit);
      cells[position] = PATTERNS[digit]!;
      status = "ERR";
    } else if (spoil < options.errRate + options.illRate) {
      if (random.float() < ONE_STROKE_SHARE) {
        const position = random.int(9);
        const choices = oneStrokeFrom(cells[position]!).filter((cell) => digitOf(cell) === undefined);
        cells[position] = choices[random.int(choices.length)]!;
        digits[position] = "?";
      } else {
        const first = random.int(9);
        const second = (first + 1 + random.int(8)) % 9;
        cells[first] = nonDigit(random);
        cells[second] = nonDigit(random);
        digits[first] = digits[second] = "?";
      }
      status = "ILL";
    }
    entries.push(draw(cells));
    key.push(`${digits.join("")} ${status}`);
  }
  return { entries, key };
}
