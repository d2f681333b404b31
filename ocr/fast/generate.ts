/**
 * Fast twin of kata/generate.ts `generate`: paquete content drawn the way the original packet
 * service drew it, from the same PRNG draws in the same order, so the same options give the
 * same entries and key.
 *
 * generador draws a packet per request, up to 100 000 entries, so drawing only fills two small
 * typed arrays (the numbers, a byte per digit, and the statuses) and notes the few cells that
 * are not digits; wire.ts writes the answer's bytes straight from them. Art lines and key lines
 * are made only when asked for.
 */
import { PATTERNS, digitOf, oneStrokeFrom } from "../kata/digits.js";
import { ONE_STROKE_SHARE, type GenerateOptions } from "../kata/generate.js";
import { Random } from "../kata/random.js";
import type { Lines } from "../kata/read.js";
import { draw } from "../kata/render.js";
import { QUESTION_MARK, ZERO, numberAt } from "./bytes.js";
import { DIGIT_OF, UNREADABLE, keyOf, patternOf } from "./keys.js";
import { ERR, ILL, STATUS_NAMES } from "./status.js";

/** By status (status.ts), what follows the number on its key line. */
const STATUS_SUFFIX = STATUS_NAMES.map((name) => ` ${name}`);

/** A generated packet: what each entry shows and what the reader must find. */
export class Generated {
  #entries: Lines[] | undefined;
  #key: string[] | undefined;

  constructor(
    readonly size: number,
    /**
     * Per entry, the 9 characters the reader must read, as ASCII codes: entry i is
     * numbers[9i..9i+8]. A digit's cell shows that digit; a "?" cell, what `spoiled` says.
     */
    readonly numbers: Uint8Array,
    /**
     * Per entry, the status the reader must give without correction: OK, ERR or ILL (status.ts). Only an ILL entry has cells that show no digit.
     */
    readonly statuses: Uint8Array,
    /** The keys (keys.ts) of the cells that show no digit, the "?" of `numbers`, in their order. */
    readonly spoiled: readonly number[],
  ) {}

  /** Each entry's 3 art lines, drawn by the kata (kata/render.ts `draw`), apart from wire.ts. */
  get entries(): Lines[] {
    if (this.#entries === undefined) {
      const entries: Lines[] = [];
      let next = 0;
      for (let c = 0; c < this.numbers.length; c += 9) {
        const cells: string[] = [];
        for (const code of this.numbers.subarray(c, c + 9)) {
          cells.push(code === QUESTION_MARK ? patternOf(this.spoiled[next++]!) : PATTERNS[code - ZERO]!);
        }
        entries.push(draw(cells));
      }
      this.#entries = entries;
    }
    return this.#entries;
  }

  /** Per entry, the finding line the reader must give without correction: "457508000 OK". */
  get key(): string[] {
    if (this.#key === undefined) {
      this.#key = Array.from(this.statuses, (status, e) => numberAt(this.numbers, 9 * e) + STATUS_SUFFIX[status]!);
    }
    return this.#key;
  }
}

/** Per digit, the keys of the non-digit cells one stroke away from it, in the kata's order. */
const ONE_STROKE_NON_DIGITS: readonly (readonly number[])[] = PATTERNS.map((pattern) =>
  oneStrokeFrom(pattern).filter((cell) => digitOf(cell) === undefined).map(keyOf),
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
 * Digits are drawn four at a time (0..9999), each draw taken as two pairs (00..99) read
 * through 100-entry tables: a pair's two ASCII bytes, and its share of the checksum at each
 * of the four pair places (weights 9 and 8, 7 and 6, 5 and 4, 3 and 2): kata/checksum.ts
 * restated as tables, since the PRNG and the arithmetic per digit are most of generation's
 * cost. Tables this small stay in the fastest cache between requests, which larger ones, read
 * among the server's other work, do not.
 */
const PAIR_ASCII = Uint16Array.from({ length: 100 }, (_, p) => (ZERO + Math.floor(p / 10)) | ((ZERO + (p % 10)) << 8));
const pairShare = (weight: number) => Uint8Array.from({ length: 100 }, (_, p) => weight * Math.floor(p / 10) + (weight - 1) * (p % 10));
const SHARE_98 = pairShare(9);
const SHARE_76 = pairShare(7);
const SHARE_54 = pairShare(5);
const SHARE_32 = pairShare(3);
/** The 9th digit that makes a weighted sum of the first 8 a multiple of 11 (10: none does). */
const CHECK_DIGIT = Uint8Array.from({ length: 400 }, (_, sum) => (11 - (sum % 11)) % 11);

/** floor(q / 100) for a draw q below 10 000, without a division. */
const hundreds = (q: number) => (q * 5243) >>> 19;

/**
 * Write a valid reading at numbers[at..at+8]: 8 digits at random, four per draw, the 9th
 * computed so that the checksum holds; a draw needing a 10 is discarded (as the original
 * service did; a computed 11 is 0).
 */
function drawValid(random: Random, numbers: Uint8Array, view: DataView, at: number): void {
  const zero = ZERO;
  for (;;) {
    const first = random.int(10_000);
    const next = random.int(10_000);
    const p0 = hundreds(first);
    const p1 = first - 100 * p0;
    const p2 = hundreds(next);
    const p3 = next - 100 * p2;
    const last = CHECK_DIGIT[SHARE_98[p0]! + SHARE_76[p1]! + SHARE_54[p2]! + SHARE_32[p3]!]!;
    if (last !== 10) {
      view.setInt32(at, PAIR_ASCII[p0]! | (PAIR_ASCII[p1]! << 16), true);
      view.setInt32(at + 4, PAIR_ASCII[p2]! | (PAIR_ASCII[p3]! << 16), true);
      numbers[at + 8] = zero + last;
      return;
    }
  }
}

/** The key of a random pattern of spaces, pipes and underscores that is not a digit. */
function randomNonDigit(random: Random): number {
  for (;;) {
    let key = 0;
    for (let i = 0; i < 9; i++) key = (key << 2) | random.int(3);
    if (DIGIT_OF[key] === UNREADABLE) return key;
  }
}

export function generate(options: GenerateOptions): Generated {
  checkOptions(options);
  const { count, errRate, illRate } = options;
  const random = new Random(options.seed);
  const numbers = new Uint8Array(9 * count);
  const view = new DataView(numbers.buffer);
  const statuses = new Uint8Array(count);
  const spoiled: number[] = [];
  for (let n = 0, at = 0; n < count; n++, at += 9) {
    drawValid(random, numbers, view, at);
    const draw = random.float();
    if (draw < errRate) {
      // Any single-digit change breaks the checksum: weight * change is never a multiple of 11.
      const position = at + random.int(9);
      const other = ZERO + random.int(9);
      numbers[position] = other >= numbers[position]! ? other + 1 : other;
      statuses[n] = ERR;
    } else if (draw < errRate + illRate) {
      if (random.float() < ONE_STROKE_SHARE) {
        const position = at + random.int(9);
        const choices = ONE_STROKE_NON_DIGITS[numbers[position]! - ZERO]!;
        spoiled.push(choices[random.int(choices.length)]!);
        numbers[position] = QUESTION_MARK;
      } else {
        const first = random.int(9);
        const second = (first + 1 + random.int(8)) % 9;
        const firstKey = randomNonDigit(random);
        const secondKey = randomNonDigit(random);
        // In the order of the cells.
        if (first < second) spoiled.push(firstKey, secondKey);
        else spoiled.push(secondKey, firstKey);
        numbers[at + first] = QUESTION_MARK;
        numbers[at + second] = QUESTION_MARK;
      }
      statuses[n] = ILL;
    }
  }
  return new Generated(count, numbers, statuses, spoiled);
}
