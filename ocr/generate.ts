/**
 * Generating packet content the way the original packet service did: valid readings, some
 * spoiled on purpose at preset rates, with the findings the reader must produce (the key).
 */
import { DIGIT_OF, PATTERN_KEYS, PATTERNS, UNREADABLE, oneChangeKeys, patternOf } from "./cells.js";
import { checkDigit } from "./checksum.js";
import { mulberry32, randomInt, type Random } from "./random.js";
import { linesOf, type Lines } from "./render.js";

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

export interface Generated {
  readonly entries: Lines[];
  /** Per entry, the finding line the reader must give without correction. */
  readonly key: string[];
}

/** Share of scan errors that spoil one cell by a single stroke (the rest spoil two cells at random). */
const ONE_STROKE_SHARE = 0.75;

const QUESTION_MARK = 0x3f;

/** Per digit, the non-digit patterns one stroke away from it. */
const ONE_STROKE_NON_DIGITS: readonly (readonly string[])[] = PATTERN_KEYS.map((key) =>
  oneChangeKeys(key)
    .filter((near) => DIGIT_OF[near] === UNREADABLE)
    .map(patternOf),
);

function checkOptions(options: GenerateOptions): void {
  const { count, seed, errRate, illRate } = options;
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be a uint32, got ${seed}`);
  for (const [name, rate] of [["errRate", errRate], ["illRate", illRate]] as const) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${rate}`);
  }
  // A little slack for sums like 0.7 + 0.3 that floating point puts just above 1.
  if (errRate + illRate > 1 + 1e-9) throw new RangeError(`errRate + illRate must be at most 1, got ${errRate + illRate}`);
}

/**
 * Fill `digits` with a valid reading: 8 at random, the 9th computed; a draw needing a 10 is
 * discarded (as the original service did).
 */
function drawValid(random: Random, digits: number[]): void {
  for (;;) {
    for (let i = 0; i < 8; i++) digits[i] = randomInt(random, 10);
    const last = checkDigit(digits.slice(0, 8));
    if (last !== undefined) {
      digits[8] = last;
      return;
    }
  }
}

/** A random pattern of spaces, pipes and underscores that is not a digit. */
function randomNonDigit(random: Random): string {
  for (;;) {
    let key = 0;
    for (let i = 0; i < 9; i++) key = (key << 2) | randomInt(random, 3);
    if (DIGIT_OF[key] === UNREADABLE) return patternOf(key);
  }
}

export function generate(options: GenerateOptions): Generated {
  checkOptions(options);
  const { count, errRate, illRate } = options;
  const random = mulberry32(options.seed);
  const entries: Lines[] = [];
  const key: string[] = [];
  // Reused for every entry.
  const digits: number[] = new Array<number>(9).fill(0);
  const cells: string[] = new Array<string>(9).fill("");
  const numberCodes: number[] = new Array<number>(9).fill(0);
  for (let n = 0; n < count; n++) {
    drawValid(random, digits);
    for (let i = 0; i < 9; i++) {
      cells[i] = PATTERNS[digits[i]!]!;
      numberCodes[i] = 48 + digits[i]!;
    }
    let status = "OK";
    const draw = random();
    if (draw < errRate) {
      // Any single-digit change breaks the checksum: weight * change is never a multiple of 11.
      const position = randomInt(random, 9);
      const other = randomInt(random, 9);
      const digit = other >= digits[position]! ? other + 1 : other;
      cells[position] = PATTERNS[digit]!;
      numberCodes[position] = 48 + digit;
      status = "ERR";
    } else if (draw < errRate + illRate) {
      if (random() < ONE_STROKE_SHARE) {
        const position = randomInt(random, 9);
        const choices = ONE_STROKE_NON_DIGITS[digits[position]!]!;
        cells[position] = choices[randomInt(random, choices.length)]!;
        numberCodes[position] = QUESTION_MARK;
      } else {
        const first = randomInt(random, 9);
        const second = (first + 1 + randomInt(random, 8)) % 9;
        cells[first] = randomNonDigit(random);
        cells[second] = randomNonDigit(random);
        numberCodes[first] = numberCodes[second] = QUESTION_MARK;
      }
      status = "ILL";
    }
    entries.push(linesOf(cells));
    key.push(`${String.fromCharCode(...numberCodes)} ${status}`);
  }
  return { entries, key };
}
