/**
 * Fast twin of kata/paquete.ts `paqueteOf` for JSON text written the usual way (and, with
 * packet.ts, of `readPaquete`): a paquete read straight from the bytes of its JSON. JSON.parse
 * makes 3 strings per entry, whose characters read one by one cost far more than the text
 * form's bytes; here each entry's lines are read from the body's own bytes by 4-byte words, as
 * the text form's are.
 *
 * The usual way: an object whose only keys are "Id" (1 to 64 letters, digits, "_" or "-") and
 * "Contenido", each once and without escapes, whose entries are arrays of 3 lines of exactly
 * 27 of " ", "_" and "|", with any JSON whitespace between tokens: generador's answers,
 * indented or compact, and JSON.stringify's of a paquete. Anything else (another key, an
 * escape, a shorter line, a foreign character, a character that is not ASCII, too many
 * entries, malformed JSON) gives undefined, and the caller parses the text the general way,
 * which also words any error. What this gives is what parsePacket gives for the bytes' text.
 */
import { LINE_WIDTH } from "../kata/digits.js";
import { ID_PATTERN } from "../kata/paquete.js";
import { asciiCodes, chunk as sharedChunk, chunkView, SPACES4 as spaces4, utf8Text } from "./bytes.js";
import { readRegularEntry } from "./entry.js";
import { MAX_ENTRIES, PacketBuilder, type Packet } from "./packet.js";

// What the hot loops read: the body's bytes. Set at the start of each parse and let go at its
// end (back to a small shared buffer); module bindings rather than parameters, as the hot loops
// read them for every entry (an imported binding is read through an indirection each time).
let chunk: Uint8Array = sharedChunk;
let view: DataView = chunkView;
const SPACES4 = spaces4;

/** Most bytes an entry may take, whitespace included, for its frame to be learnt (see below). */
const ENTRY_ROOM = 1024;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const ID_KEY = asciiCodes('Id"');
const CONTENIDO_KEY = asciiCodes('Contenido"');

/** Reads through the bytes; its methods return false (or undefined) where the usual way ends. */
class Reader {
  /** The position. */
  i = 0;

  constructor(readonly length: number) {}

  skipSpace(): void {
    this.i = skipSpace(this.i, this.length);
  }

  /** Skips whitespace and then `byte`. */
  expect(byte: number): boolean {
    this.skipSpace();
    if (this.i >= this.length || chunk[this.i] !== byte) return false;
    this.i++;
    return true;
  }

  /** After whitespace, `a` (true) or `b` (false) is skipped; undefined if neither is next. */
  either(a: number, b: number): boolean | undefined {
    this.skipSpace();
    if (this.i >= this.length) return undefined;
    const next = chunk[this.i++];
    return next === a ? true : next === b ? false : undefined;
  }

  /** Skips `word` if it is next. */
  word(word: Uint8Array): boolean {
    if (this.i + word.length > this.length) return false;
    for (let k = 0; k < word.length; k++) if (chunk[this.i + k] !== word[k]) return false;
    this.i += word.length;
    return true;
  }

  /** The Id: a quote, its characters, a quote (no escapes, as ID_PATTERN allows none). */
  id(): string | undefined {
    if (!this.expect(QUOTE)) return undefined;
    const from = this.i;
    let i = from;
    // An Id has at most 64 characters: a longer string is no Id, and is not copied.
    const most = Math.min(this.length, from + MAX_ID + 1);
    while (i < most && chunk[i] !== QUOTE) i++;
    if (i >= most) return undefined;
    this.i = i + 1;
    // Decoded natively: spread into String.fromCharCode, the bytes went through an iterator
    // and an argument each. A byte outside ASCII fails ID_PATTERN either way.
    const id = utf8Text(chunk.subarray(from, i));
    return id !== undefined && ID_PATTERN.test(id) ? id : undefined;
  }

  /** Whitespace up to the end. */
  atEnd(): boolean {
    this.skipSpace();
    return this.i === this.length;
  }
}

/** chunk[i..] past JSON whitespace, up to `end`: 4 spaces at a time through indentation. */
function skipSpace(i: number, end: number): number {
  while (i < end) {
    const b = chunk[i]!;
    // Every token byte is above a space; below it only \t, \n and \r are whitespace.
    if (b > 0x20) break;
    if (b === 0x20 && i + 4 <= end && view.getUint32(i, true) === SPACES4) {
      i += 4;
      continue;
    }
    if (!isSpace(b)) break;
    i++;
  }
  return i;
}

/**
 * The frame of the last entry read token by token: where its 3 lines start, from just after
 * the separator before it, and its length, to just after the comma after it. Entries written
 * by one writer all have the same frame, so the next entry is first compared with it, lines
 * left out: when it matches, its lines are at the same offsets and every byte around them is
 * as valid as the last entry's. The bytes outside the lines are kept as masked 4-byte words
 * (a word reaching into a line masks those bytes out), so the comparison is a run of word
 * compares with no branch per word (readFramedRun).
 *
 * Module state, as `chunk` is, and safe for the same reason: a parse is
 * synchronous and runs to its end before another starts, and each parse forgets the last
 * one's frame before its first entry (readEntries sets frameLength to 0). Kept here rather
 * than in an object per parse: reading it there made the JSON fast path slower
 * (side by side; see the commit that says so).
 */
let frameLength = 0;
let line0 = 0;
let line1 = 0;
let line2 = 0;
const frameAt = new Int32Array(ENTRY_ROOM);
const frameMask = new Int32Array(ENTRY_ROOM);
const frameWord = new Int32Array(ENTRY_ROOM);
let frameWords = 0;

/** Learns the frame of the entry read at chunk[start..start+length), its lines at line0..2. */
function learnFrame(start: number, length: number): void {
  const w = LINE_WIDTH;
  const outside = [0, line0, line0 + w, line1, line1 + w, line2, line2 + w, length];
  // Words the straight-line check reads but the frame lacks read 0 bytes: mask and word 0.
  frameAt.fill(0, 0, LINED_WORDS);
  frameMask.fill(0, 0, LINED_WORDS);
  frameWord.fill(0, 0, LINED_WORDS);
  frameWords = 0;
  for (let s = 0; s < outside.length; s += 2) {
    const from = outside[s]!;
    const to = outside[s + 1]!;
    for (let k = from; k < to; k += 4) {
      // The last word is read from the frame's last 4 bytes, so no read passes its end.
      const at = Math.min(k, length - 4);
      let mask = 0;
      for (let b = 0; b < 4; b++) if (at + b >= k && at + b < to) mask |= 0xff << (8 * b);
      frameAt[frameWords] = at;
      frameMask[frameWords] = mask;
      frameWord[frameWords] = view.getInt32(start + at, true) & mask;
      frameWords++;
    }
  }
}

/** Whether the words of the frame from the `from`th on match the entry at chunk[at..]. */
function sameFrameFrom(at: number, from: number): boolean {
  for (let j = from; j < frameWords; j++) {
    if ((view.getInt32(at + frameAt[j]!, true) & frameMask[j]!) !== frameWord[j]) return false;
  }
  return true;
}

/**
 * Frame words compared in straight-line code, from locals: the indented form's 12 (the compact
 * form's 4, with 8 that read nothing); a wider frame's other words are compared in a loop.
 * Why: read from the tables in a loop for every entry, the check cost far more (side by side;
 * see the commit that says so).
 */
const LINED_WORDS = 12;

/**
 * Reads the run of entries from chunk[start..] that match the learnt frame and are regular
 * (see readRegularEntry), up to `end` and maxEntries; returns where the run stops, at the first
 * entry that does not, which the caller then reads token by token.
 */
function readFramedRun(start: number, end: number, maxEntries: number, builder: PacketBuilder): number {
  const length = frameLength;
  const most = Math.min(maxEntries - builder.size, Math.floor((end - start) / length));
  if (most <= 0) return start;
  const lines = builder.lines(most);
  const keys = builder.keys;
  const v = view;
  const l0 = line0;
  const l1 = line1;
  const l2 = line2;
  const longer = frameWords > LINED_WORDS;
  const a0 = frameAt[0]!, m0 = frameMask[0]!, w0 = frameWord[0]!;
  const a1 = frameAt[1]!, m1 = frameMask[1]!, w1 = frameWord[1]!;
  const a2 = frameAt[2]!, m2 = frameMask[2]!, w2 = frameWord[2]!;
  const a3 = frameAt[3]!, m3 = frameMask[3]!, w3 = frameWord[3]!;
  const a4 = frameAt[4]!, m4 = frameMask[4]!, w4 = frameWord[4]!;
  const a5 = frameAt[5]!, m5 = frameMask[5]!, w5 = frameWord[5]!;
  const a6 = frameAt[6]!, m6 = frameMask[6]!, w6 = frameWord[6]!;
  const a7 = frameAt[7]!, m7 = frameMask[7]!, w7 = frameWord[7]!;
  const a8 = frameAt[8]!, m8 = frameMask[8]!, w8 = frameWord[8]!;
  const a9 = frameAt[9]!, m9 = frameMask[9]!, w9 = frameWord[9]!;
  const a10 = frameAt[10]!, m10 = frameMask[10]!, w10 = frameWord[10]!;
  const a11 = frameAt[11]!, m11 = frameMask[11]!, w11 = frameWord[11]!;
  let o = start;
  for (let room = most; room > 0; room--, o += length) {
    const differs =
      ((v.getInt32(o + a0, true) & m0) ^ w0) |
      ((v.getInt32(o + a1, true) & m1) ^ w1) |
      ((v.getInt32(o + a2, true) & m2) ^ w2) |
      ((v.getInt32(o + a3, true) & m3) ^ w3) |
      ((v.getInt32(o + a4, true) & m4) ^ w4) |
      ((v.getInt32(o + a5, true) & m5) ^ w5) |
      ((v.getInt32(o + a6, true) & m6) ^ w6) |
      ((v.getInt32(o + a7, true) & m7) ^ w7) |
      ((v.getInt32(o + a8, true) & m8) ^ w8) |
      ((v.getInt32(o + a9, true) & m9) ^ w9) |
      ((v.getInt32(o + a10, true) & m10) ^ w10) |
      ((v.getInt32(o + a11, true) & m11) ^ w11);
    if (differs !== 0 || (longer && !sameFrameFrom(o, LINED_WORDS))) break;
    const status = readRegularEntry(v, o + l0, o + l1, o + l2, keys, lines, builder.end);
    if (status < 0) break;
    builder.added(status);
  }
  return o;
}

/** Past whitespace from chunk[from], then `byte`: where what follows it starts, or -1. */
function after(from: number, end: number, byte: number): number {
  const i = skipSpace(from, end);
  return i < end && chunk[i] === byte ? i + 1 : -1;
}

/** Unless `from` is -1: past whitespace, a quote, 27 bytes and a quote: where the 27 start, or -1. */
function quotedLine(from: number, end: number): number {
  if (from < 0) return -1;
  const o = skipSpace(from, end) + 1;
  return o + LINE_WIDTH < end && chunk[o - 1] === QUOTE && chunk[o + LINE_WIDTH] === QUOTE ? o : -1;
}

/** The Contenido array's entries, or undefined where the usual way ends. The hot loop. */
function readEntries(reader: Reader, maxEntries: number): PacketBuilder | undefined {
  if (!reader.expect(OPEN_ARRAY)) return undefined;
  reader.skipSpace();
  if (reader.i < reader.length && chunk[reader.i] === CLOSE_ARRAY) {
    reader.i++;
    return new PacketBuilder(0);
  }
  const bytes = chunk;
  // Made when the first entry's size is known, with room for the entries the rest of the body
  // holds if each takes as many bytes: one allocation of about the size needed, whatever the
  // whitespace (an indented entry takes a third more bytes than a compact one).
  let builder: PacketBuilder | undefined;
  frameLength = 0;
  for (;;) {
    if ((builder?.size ?? 0) === maxEntries) return undefined;
    const end = reader.length;
    const start = reader.i;
    if (builder !== undefined && frameLength > 0) {
      const next = readFramedRun(start, end, maxEntries, builder);
      if (next !== start) {
        reader.i = next;
        continue;
      }
    }
    // Token by token: a bracket, then 3 quoted lines, the first two followed by a comma and
    // the 3rd by the closing bracket. -1 anywhere means the usual way ends.
    const o0 = quotedLine(after(start, end, OPEN_ARRAY), end);
    if (o0 < 0) return undefined;
    const o1 = quotedLine(after(o0 + LINE_WIDTH + 1, end, COMMA), end);
    if (o1 < 0) return undefined;
    const o2 = quotedLine(after(o1 + LINE_WIDTH + 1, end, COMMA), end);
    if (o2 < 0) return undefined;
    const closed = after(o2 + LINE_WIDTH + 1, end, CLOSE_ARRAY);
    if (closed < 0) return undefined;
    // The entry and the comma after it.
    builder ??= new PacketBuilder(Math.min(maxEntries, Math.ceil((end - start) / (closed + 1 - start))));
    const status = readRegularEntry(view, o0, o1, o2, builder.keys, builder.lines(), builder.end);
    if (status < 0) return undefined;
    builder.added(status);
    const i = skipSpace(closed, end);
    if (i >= end) return undefined;
    reader.i = i + 1;
    if (bytes[i] === CLOSE_ARRAY) return builder;
    if (bytes[i] !== COMMA) return undefined;
    frameLength = reader.i - start;
    // An entry padded with that much whitespace is read token by token, every time.
    if (frameLength > ENTRY_ROOM) {
      frameLength = 0;
      continue;
    }
    line0 = o0 - start;
    line1 = o1 - start;
    line2 = o2 - start;
    learnFrame(start, frameLength);
  }
}

/** Most characters of an Id (ID_PATTERN). */
const MAX_ID = 64;

/**
 * The paquete in a body's UTF-8 bytes when it is written the usual way (see above), else
 * undefined: read from the bytes themselves, with no copy. A byte that is not ASCII ends the
 * usual way.
 */
export function parseJsonBytes(bytes: Uint8Array, maxEntries: number = MAX_ENTRIES): Packet | undefined {
  chunk = bytes;
  view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return readObject(new Reader(bytes.length), maxEntries);
  } finally {
    // Not kept past the parse: the body would live on until the next one.
    chunk = sharedChunk;
    view = chunkView;
  }
}

function readObject(reader: Reader, maxEntries: number): Packet | undefined {
  if (!reader.expect(OPEN_OBJECT)) return undefined;
  let id: string | undefined;
  let contenido: PacketBuilder | undefined;
  for (;;) {
    // Each key once: JSON.parse would keep the last of a repeated one.
    if (!reader.expect(QUOTE)) return undefined;
    if (reader.word(ID_KEY)) {
      if (id !== undefined || !reader.expect(COLON) || (id = reader.id()) === undefined) return undefined;
    } else if (reader.word(CONTENIDO_KEY)) {
      if (contenido !== undefined || !reader.expect(COLON) || (contenido = readEntries(reader, maxEntries)) === undefined) return undefined;
    } else {
      return undefined;
    }
    const more = reader.either(COMMA, CLOSE_OBJECT);
    if (more === undefined) return undefined;
    if (!more) break;
  }
  return contenido !== undefined && reader.atEnd() ? contenido.finish(id) : undefined;
}
