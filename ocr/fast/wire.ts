/**
 * Fast twin of kata/scanner.ts `packetText` (textBytes) and of JSON.stringify of the paquete
 * (jsonBytes), for what generate.ts drew: a generated packet's wire forms, written straight
 * into bytes from its numbers: the JSON form, indented exactly as JSON.stringify(paquete,
 * null, 2) indents it or compact as JSON.stringify(paquete) writes it, and the scanner's text.
 * Each ends with a line end.
 *
 * This is generador's hot path, so no per-entry string is ever made: an entry's frame (quotes,
 * brackets, indentation, line ends) is the same for every entry, so it is written once and
 * copied natively over the whole buffer, and then only the art is written in, a 4-byte word
 * per cell row. Nothing in a paquete needs escaping: an Id is checked against kata/paquete.ts
 * ID_PATTERN, art is " _|", key lines are digits, "?", a space and capitals.
 */
import { LINE_WIDTH } from "../kata/digits.js";
import { ID_PATTERN } from "../kata/paquete.js";
import { QUESTION_MARK, ZERO, asciiCodes } from "./bytes.js";
import type { Generated } from "./generate.js";
import { PATTERN_KEYS } from "./keys.js";
import { ILL, STATUS_NAMES } from "./status.js";

/**
 * Where a form's bytes are written: a new zeroed Uint8Array unless the caller has better.
 * Every byte of the answer is written, so memory left over from before will do: generador
 * reuses the buffers of answers that have left.
 */
export type Allocate = (bytes: number) => Uint8Array;

const zeroed: Allocate = (bytes) => new Uint8Array(bytes);

export interface JsonOptions {
  /** The paquete's Id (1 to 64 letters, digits, "_" or "-"). */
  readonly id: string;
  /** Indented as JSON.stringify(paquete, null, 2), or compact. */
  readonly indent: boolean;
  /** Add the answer key: "Key": ["457508000 OK", ...]. */
  readonly key: boolean;
  /** Where the bytes go (see Allocate). */
  readonly allocate?: Allocate;
}


/** One entry as a form writes it: its frame around the 3 lines, and the separator after it. */
class EntryFrame {
  /** The frame with blank art, separator included. */
  readonly stencil: Uint8Array;
  /** Where each of the 3 lines starts in it. */
  readonly lines: readonly [number, number, number];
  readonly separatorBytes: number;

  constructor(open: string, between: string, close: string, separator: string) {
    const art = " ".repeat(LINE_WIDTH);
    this.stencil = asciiCodes(open + art + between + art + between + art + close + separator);
    const second = open.length + LINE_WIDTH + between.length;
    this.lines = [open.length, second, second + LINE_WIDTH + between.length];
    this.separatorBytes = separator.length;
  }
}

// Every frame has a byte right after each line: the 4-byte writes of art rows rely on it.
/** The scanner's text: 3 art lines and a blank one, each ending in "\n". */
const TEXT = new EntryFrame("", "\n", `\n${" ".repeat(LINE_WIDTH)}\n`, "");
const INDENTED = new EntryFrame('    [\n      "', '",\n      "', '"\n    ]', ",\n");
const COMPACT = new EntryFrame('["', '","', '"]', ",");


/** A cell row's 3 characters as a little-endian word, by its 6 class bits (first character highest; classes as keys.ts). */
const DRAWN_ROW: Int32Array = (() => {
  const chars = [0x20, 0x5f, 0x7c, 0x3f];
  const table = new Int32Array(64);
  for (let row = 0; row < 64; row++) table[row] = chars[row >>> 4]! | (chars[(row >>> 2) & 3]! << 8) | (chars[row & 3]! << 16);
  return table;
})();

/** The row words of each digit's cell: DIGIT_ROWS[3d + r] for row r of digit d. */
const DIGIT_ROWS = Int32Array.from({ length: 30 }, (_, j) => DRAWN_ROW[(PATTERN_KEYS[Math.floor(j / 3)]! >>> (12 - 6 * (j % 3))) & 63]!);

/**
 * The rows of two digit cells side by side, PAIR_ROWS[3p + r] for row r of the pair p = 10 *
 * first + second: 6 bytes of art and 2 spaces (overwritten by the next write), as a double.
 * A DataView writes 8 bytes at once only as a double (a BigInt is far slower), and half as many
 * writes cost about half as much. Each of these 8 bytes is " ", "_" or "|", so
 * the top byte makes every double a normal number, never a NaN: its bytes go out unchanged.
 */
const PAIR_ROWS: Float64Array = (() => {
  const table = new Float64Array(300);
  const bytes = new DataView(new ArrayBuffer(8));
  for (let pair = 0; pair < 100; pair++) {
    for (let r = 0; r < 3; r++) {
      const first = DIGIT_ROWS[3 * Math.floor(pair / 10) + r]!;
      const second = DIGIT_ROWS[3 * (pair % 10) + r]!;
      for (let b = 0; b < 3; b++) {
        bytes.setUint8(b, (first >>> (8 * b)) & 0xff);
        bytes.setUint8(3 + b, (second >>> (8 * b)) & 0xff);
      }
      bytes.setUint16(6, 0x2020);
      table[3 * pair + r] = bytes.getFloat64(0, true);
    }
  }
  return table;
})();

/**
 * Writes every entry of the packet framed by `frame` at out[at..]; returns where the entries
 * end (the last one without its separator). `out` needs 4 bytes past that.
 */
function writeEntries(generated: Generated, frame: EntryFrame, out: Uint8Array, at: number): number {
  const { size, numbers, statuses, spoiled } = generated;
  const { stencil, lines } = frame;
  const length = stencil.length;
  const end = at + size * length;
  if (size === 0) return at;
  // The frames: one written, then copied onto itself doubling each time.
  out.set(stencil, at);
  for (let done = length; done < size * length; done *= 2) out.copyWithin(at + done, at, at + Math.min(done, size * length - done));
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const [l0, l1, l2] = lines;
  const zero = ZERO;
  const unreadable = QUESTION_MARK;
  let nextSpoiled = 0;
  for (let e = 0, c = 0, o = at; e < size; e++, o += length) {
    // Each write's bytes past its cells are the next cells', written next, or the frame's byte
    // after the line, put back below.
    if (statuses[e] !== ILL) {
      // Only digits (only an ILL entry has cells that show none): four pairs, then the 9th.
      for (let x = o, last = c + 8; c < last; c += 2, x += 6) {
        const p = 3 * (10 * numbers[c]! + numbers[c + 1]! - 11 * zero);
        view.setFloat64(x + l0, PAIR_ROWS[p]!, true);
        view.setFloat64(x + l1, PAIR_ROWS[p + 1]!, true);
        view.setFloat64(x + l2, PAIR_ROWS[p + 2]!, true);
      }
      const r = 3 * (numbers[c++]! - zero);
      view.setUint32(o + 24 + l0, DIGIT_ROWS[r]!, true);
      view.setUint32(o + 24 + l1, DIGIT_ROWS[r + 1]!, true);
      view.setUint32(o + 24 + l2, DIGIT_ROWS[r + 2]!, true);
    } else {
      for (let x = o, last = c + 9; c < last; c++, x += 3) {
        const code = numbers[c]!;
        if (code !== unreadable) {
          const r = 3 * (code - zero);
          view.setUint32(x + l0, DIGIT_ROWS[r]!, true);
          view.setUint32(x + l1, DIGIT_ROWS[r + 1]!, true);
          view.setUint32(x + l2, DIGIT_ROWS[r + 2]!, true);
        } else {
          const key = spoiled[nextSpoiled++]!;
          view.setUint32(x + l0, DRAWN_ROW[(key >>> 12) & 63]!, true);
          view.setUint32(x + l1, DRAWN_ROW[(key >>> 6) & 63]!, true);
          view.setUint32(x + l2, DRAWN_ROW[key & 63]!, true);
        }
      }
    }
    out[o + l0 + LINE_WIDTH] = stencil[l0 + LINE_WIDTH]!;
    out[o + l1 + LINE_WIDTH] = stencil[l1 + LINE_WIDTH]!;
    out[o + l2 + LINE_WIDTH] = stencil[l2 + LINE_WIDTH]!;
  }
  return end - frame.separatorBytes;
}

/** The scanner's text form: per entry 3 art lines and a blank one. */
export function textBytes(generated: Generated, allocate: Allocate = zeroed): Uint8Array {
  const out = allocate(generated.size * TEXT.stencil.length + 4);
  return out.subarray(0, writeEntries(generated, TEXT, out, 0));
}

const STATUS_TEXT = STATUS_NAMES.map((name) => ` ${name}`);

/** The JSON form: {"Id": ..., "Contenido": [[line1, line2, line3], ...]}, with "Key" if asked. */
export function jsonBytes(generated: Generated, options: JsonOptions): Uint8Array {
  const { id, indent, key, allocate = zeroed } = options;
  if (!ID_PATTERN.test(id)) throw new RangeError(`an Id is 1 to 64 letters, digits, "_" or "-", got ${JSON.stringify(id)}`);
  const size = generated.size;
  const nl = indent ? "\n" : "";
  const pad = indent ? "  " : "";
  const colon = indent ? ": " : ":";
  const frame = indent ? INDENTED : COMPACT;
  // Fixed parts: braces, names and the Id, under 64 bytes besides the Id; a key line takes at
  // most 13 characters, 2 quotes and a separator of up to 6 bytes.
  const out = allocate(64 + id.length + size * frame.stencil.length + (key ? 32 + size * 21 : 0) + 4);
  let n = 0;
  const text = (part: string) => {
    for (let i = 0; i < part.length; i++) out[n++] = part.charCodeAt(i);
  };
  const opening = size > 0 ? `[${nl}` : "[";
  const closing = size > 0 ? `${nl}${pad}]` : "]";
  text(`{${nl}${pad}"Id"${colon}"${id}",${nl}${pad}"Contenido"${colon}${opening}`);
  n = writeEntries(generated, frame, out, n);
  text(closing);
  if (key) {
    text(`,${nl}${pad}"Key"${colon}${opening}`);
    const { numbers, statuses } = generated;
    for (let e = 0; e < size; e++) {
      text(`${e > 0 ? `,${nl}` : ""}${pad}${pad}"`);
      for (let i = 9 * e; i < 9 * e + 9; i++) out[n++] = numbers[i]!;
      text(`${STATUS_TEXT[statuses[e]!]!}"`);
    }
    text(closing);
  }
  text(`${nl}}\n`);
  return out.subarray(0, n);
}
