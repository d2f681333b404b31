/**
 * Generating packet content the way the original packet service did: valid readings, some
 * spoiled on purpose at preset rates, with the findings the reader must produce (the key).
 *
 * generador draws a packet per request, up to 100 000 entries, so this is written for speed:
 * cells are drawn as keys (see cells.ts) and written as art into a byte buffer, a batch of
 * entries at a time; each batch becomes one string with one native decode, and each art line
 * is a slice of it (a slice of 27 characters is a view, not a copy).
 */
import { DIGIT_OF, LINE_WIDTH, PATTERN_KEYS, UNREADABLE, oneChangeKeys } from "./cells.js";
import { mulberry32, randomInt, type Random } from "./random.js";
import type { Lines } from "./render.js";

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

/** The ten patterns' keys, by digit. */
const DIGIT_KEYS = Int32Array.from(PATTERN_KEYS);

/** Per digit, the keys of the non-digit patterns one stroke away from it. */
const ONE_STROKE_NON_DIGITS: readonly (readonly number[])[] = PATTERN_KEYS.map((key) =>
  oneChangeKeys(key).filter((near) => DIGIT_OF[near] === UNREADABLE),
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
 * Fill `digits` with a valid reading: 8 at random, the 9th computed so that the checksum holds;
 * a draw needing a 10 is discarded (as the original service did; a computed 11 is 0).
 */
function drawValid(random: Random, digits: Int32Array): void {
  for (;;) {
    let sum = 0;
    for (let i = 0; i < 8; i++) {
      const d = randomInt(random, 10);
      digits[i] = d;
      sum += (9 - i) * d;
    }
    const last = (11 - (sum % 11)) % 11;
    if (last !== 10) {
      digits[8] = last;
      return;
    }
  }
}

/** The key of a random pattern of spaces, pipes and underscores that is not a digit. */
function randomNonDigit(random: Random): number {
  for (;;) {
    let key = 0;
    for (let i = 0; i < 9; i++) key = (key << 2) | randomInt(random, 3);
    if (DIGIT_OF[key] === UNREADABLE) return key;
  }
}

/** Characters of an entry's art: its 3 lines, one after the other. */
const ART = 3 * LINE_WIDTH;
/** Entries written into the byte buffer before it is turned into a string. */
const BATCH = 1024;
// One spare byte: each cell row is written as a 4-byte word whose 4th byte the next write covers.
const batch = new Uint8Array(BATCH * ART + 1);
const batchView = new DataView(batch.buffer);

/** A cell row's 3 characters as a little-endian word, by its 6 class bits (first character highest). */
const ROW_BYTES: Int32Array = (() => {
  const chars = [0x20, 0x5f, 0x7c, 0x3f];
  const table = new Int32Array(64);
  for (let row = 0; row < 64; row++) table[row] = chars[row >>> 4]! | (chars[(row >>> 2) & 3]! << 8) | (chars[row & 3]! << 16);
  return table;
})();

/** Write the art of 9 cells (keys) at bytes[at..at+80]: line 0, then line 1, then line 2. */
function writeArt(cells: Int32Array, at: number): void {
  const view = batchView;
  const R = ROW_BYTES;
  // Row r of a key is its 6 bits from 12 - 6r up: left to right, so each write's 4th byte is
  // covered by the next one.
  for (let shift = 12; shift >= 0; shift -= 6, at += LINE_WIDTH) {
    for (let i = 0; i < 9; i++) view.setUint32(at + 3 * i, R[(cells[i]! >>> shift) & 63]!, true);
  }
}

interface AsciiDecoder {
  decode(bytes: Uint8Array): string;
}

// Looked up rather than named so the module compiles without DOM or Node type libraries.
const decoder: AsciiDecoder | undefined = (() => {
  const Decoder = (globalThis as unknown as { TextDecoder?: new () => AsciiDecoder }).TextDecoder;
  return Decoder === undefined ? undefined : new Decoder();
})();

function asciiText(bytes: Uint8Array): string {
  if (decoder !== undefined) return decoder.decode(bytes);
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return text;
}

/** Turn the first `count` entries written in the batch into line triples. */
function flush(count: number, entries: Lines[]): void {
  const text = asciiText(batch.subarray(0, count * ART));
  for (let e = 0, o = 0; e < count; e++, o += ART) {
    entries.push([text.slice(o, o + LINE_WIDTH), text.slice(o + LINE_WIDTH, o + 2 * LINE_WIDTH), text.slice(o + 2 * LINE_WIDTH, o + ART)]);
  }
}

const STATUS_SUFFIX = { OK: " OK", ERR: " ERR", ILL: " ILL" } as const;

export function generate(options: GenerateOptions): Generated {
  checkOptions(options);
  const { count, errRate, illRate } = options;
  const random = mulberry32(options.seed);
  const entries: Lines[] = [];
  const key: string[] = [];
  // Reused for every entry.
  const digits = new Int32Array(9);
  const cells = new Int32Array(9);
  const codes = new Int32Array(9);
  let pending = 0;
  for (let n = 0; n < count; n++) {
    drawValid(random, digits);
    for (let i = 0; i < 9; i++) {
      cells[i] = DIGIT_KEYS[digits[i]!]!;
      codes[i] = 48 + digits[i]!;
    }
    let status: keyof typeof STATUS_SUFFIX = "OK";
    const draw = random();
    if (draw < errRate) {
      // Any single-digit change breaks the checksum: weight * change is never a multiple of 11.
      const position = randomInt(random, 9);
      const other = randomInt(random, 9);
      const digit = other >= digits[position]! ? other + 1 : other;
      cells[position] = DIGIT_KEYS[digit]!;
      codes[position] = 48 + digit;
      status = "ERR";
    } else if (draw < errRate + illRate) {
      if (random() < ONE_STROKE_SHARE) {
        const position = randomInt(random, 9);
        const choices = ONE_STROKE_NON_DIGITS[digits[position]!]!;
        cells[position] = choices[randomInt(random, choices.length)]!;
        codes[position] = QUESTION_MARK;
      } else {
        const first = randomInt(random, 9);
        const second = (first + 1 + randomInt(random, 8)) % 9;
        cells[first] = randomNonDigit(random);
        cells[second] = randomNonDigit(random);
        codes[first] = codes[second] = QUESTION_MARK;
      }
      status = "ILL";
    }
    writeArt(cells, pending * ART);
    if (++pending === BATCH) {
      flush(pending, entries);
      pending = 0;
    }
    const number = String.fromCharCode(codes[0]!, codes[1]!, codes[2]!, codes[3]!, codes[4]!, codes[5]!, codes[6]!, codes[7]!, codes[8]!);
    key.push(number + STATUS_SUFFIX[status]);
  }
  flush(pending, entries);
  return { entries, key };
}
