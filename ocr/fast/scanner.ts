/**
 * Fast twin of kata/scanner.ts `entriesOfText` (each entry then read as kata/read.ts
 * `readEntry` reads it): the scanner's text form, each entry 3 lines of art and a blank line.
 *
 * The text is copied a chunk at a time into bytes with TextEncoder.encodeInto (native, and far
 * cheaper per character than charCodeAt); while a chunk is all ASCII its byte offsets are
 * character offsets, and a regular entry (three 27-character lines, then 27 spaces) is read
 * straight from those bytes. Anything else is cut into lines with indexOf and read the general
 * way.
 */
import { LINE_WIDTH } from "../kata/digits.js";
import { CHUNK, asciiBytes, chunk as sharedChunk, chunkView as sharedView, SPACES4 as spaces4 } from "./bytes.js";
import { decodeEntry, readRegularEntry } from "./entry.js";
import { PacketBuilder, PacketError, tooManyEntries, type Packet } from "./packet.js";

// What the hot loops read: the shared chunk a text is encoded into, or the body's own bytes
// when the caller has them (parseTextBytes). Set for each parse and let go at its end; module
// bindings rather than parameters, as the chunk was (an imported binding is read through an
// indirection each time).
let chunk: Uint8Array = sharedChunk;
let chunkView: DataView = sharedView;
const SPACES4 = spaces4;

/** Which part of the input the chunk holds, for one parse. */
class Window {
  /** The input's offset of chunk[0], and where the encoded part ends. */
  start = 0;
  end = 0;
  /** Whether the chunk is all ASCII, so byte offsets are character offsets. */
  ascii = false;

  /** All of a body's bytes, in the chunk already: nothing to encode, offsets are byte offsets. */
  static ofBytes(bytes: Uint8Array): Window {
    const window = new Window();
    window.end = bytes.length;
    window.ascii = true;
    return window;
  }

  /** Encodes text[from..] into the chunk (up to CHUNK characters; a substring of a flat string is a slice, not a copy). */
  encode(text: string | undefined, from: number): void {
    if (text === undefined) return;
    this.start = from;
    this.end = Math.min(text.length, from + CHUNK);
    this.ascii = asciiBytes(text.substring(from, this.end), chunk);
  }
}

const NL = 0x0a;
const FORMAT = "each entry is 3 lines of art and a blank line";

/** Whitespace allowed on a blank line (line ends are handled apart). */
export function isBlankChar(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0b || code === 0x0c || code === 0xa0 || code === 0xfeff;
}

function lineEnd(text: string, from: number): number {
  const i = text.indexOf("\n", from);
  return i === -1 ? text.length : i;
}

function isBlankLine(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isBlankChar(text.charCodeAt(i))) return false;
  return true;
}

/** Lines from `from` to the content end, for the entry count in the limit message. */
function countLines(text: string, from: number, end: number): number {
  let lines = 1;
  for (let i = text.indexOf("\n", from); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) lines++;
  return lines;
}

/**
 * Parse the text form. Line ends may be LF, CRLF or CR; whitespace-only lines at the very end
 * are ignored and the last entry's blank line is optional. The caller has checked the text is
 * not whitespace only.
 */
export function parseText(input: string, maxEntries: number): Packet {
  chunk = sharedChunk;
  chunkView = sharedView;
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  // Normalising keeps line numbers (each CRLF or CR is one line end) and lets one code path
  // follow. It is done only when a CR is met, and only the general path can meet one (the
  // fast path takes LF alone), so a regular LF file is never searched for one.
  return readText(text, maxEntries) ?? readText(text.replace(/\r\n?/g, "\n"), maxEntries)!;
}

const CR = 0x0d;

/**
 * parseText for a body's UTF-8 bytes (no byte order mark), with `decode` to make its text.
 * The run of regular entries from its start is read from the bytes themselves; only a body
 * with something else in it (a short line, a CR, a foreign character, a last entry without
 * its blank line) is decoded, and read on from where the run stopped, as parseText reads it.
 * The bytes before that point are all ASCII, so their offset is the text's.
 */
export function parseTextBytes(bytes: Uint8Array, maxEntries: number, decode: (bytes: Uint8Array) => string): Packet {
  // Content runs to the end of the last line with something other than ASCII whitespace.
  let last = bytes.length - 1;
  while (last >= 0) {
    const b = bytes[last]!;
    if (b !== NL && b !== CR && b !== 0x20 && b !== 0x09 && b !== 0x0b && b !== 0x0c) break;
    last--;
  }
  // Blank at the end by other than ASCII (or all blank): the text's reading says what it is.
  if (last < 0 || bytes[last]! >= 0x80) return parseText(decode(bytes), maxEntries);
  let end = bytes.indexOf(NL, last);
  if (end === -1) end = bytes.length;
  const builder = new PacketBuilder(Math.min(maxEntries, Math.ceil((end + 1) / 112)));
  let pos: number;
  chunk = bytes;
  chunkView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    pos = readRegularRun(Window.ofBytes(bytes), undefined, 0, end, maxEntries, builder);
    // The last entry's blank line is left out of the content (it is whitespace at the end):
    // a regular last entry is read here too, rather than decoded for the general path.
    // Its third line's reads reach the "\n" after it, so one must be there.
    if (end - pos === LAST_REGULAR && end < bytes.length && builder.size < maxEntries && bytes[pos + 27] === NL && bytes[pos + 55] === NL) {
      const status = readRegularEntry(chunkView, pos, pos + 28, pos + 56, builder.keys, builder.lines(), builder.end);
      if (status >= 0) {
        builder.added(status);
        pos = end;
      }
    }
  } finally {
    // Not kept past the parse: the body would live on until the next one.
    chunk = sharedChunk;
    chunkView = sharedView;
  }
  if (pos >= end) return builder.finish(undefined);
  // Only the rest is decoded and read on: messages count lines by entries, not offsets. A CR
  // there (null) sends the whole text to parseText, which reads CRs.
  return readText(decode(bytes.subarray(pos)), maxEntries, 0, builder) ?? parseText(decode(bytes), maxEntries);
}

/** Bytes of a regular last entry without its blank line: 3 art lines of 27, the first two with their "\n". */
const LAST_REGULAR = 3 * LINE_WIDTH + 2;

/**
 * The packet in `text`, or undefined if a CR was met; `from` and `builder` go on from the
 * entries read before `from`.
 */
function readText(text: string, maxEntries: number, from = 0, given?: PacketBuilder): Packet | undefined {
  let last = text.length - 1;
  while (last >= 0) {
    const code = text.charCodeAt(last);
    if (code !== NL && code !== CR && !isBlankChar(code)) break;
    last--;
  }
  if (last < 0) throw new PacketError("empty body: expected a paquete"); // parsePacket says more
  // Content runs to the end of the last line that has something other than whitespace.
  const end = lineEnd(text, last);

  // A regular entry takes 112 characters; grow from there if entries are shorter.
  const builder = given ?? new PacketBuilder(Math.min(maxEntries, Math.ceil((end + 1) / 112)));
  return readEntries(text, from, end, maxEntries, builder) ? builder.finish(undefined) : undefined;
}

/**
 * Read the entries of text[0..end) into the builder (the loop apart, so it optimizes alone);
 * false if the text holds a CR where the general path would read it.
 */
function readEntries(text: string, from: number, end: number, maxEntries: number, builder: PacketBuilder): boolean {
  const window = new Window();
  let pos = from;
  let crChecked = false;
  while (pos < end) {
    if (builder.size === maxEntries) {
      throw tooManyEntries(maxEntries + Math.ceil(countLines(text, pos, end) / 4), maxEntries);
    }
    // Runs stop at the chunk's end too: the next one starts from a new chunk.
    for (;;) {
      const next = readRegularRun(window, text, pos, end, maxEntries, builder);
      if (next === pos) break;
      pos = next;
    }
    if (pos >= end || builder.size === maxEntries) continue;
    // No CR can lie before the first entry the general path reads.
    if (!crChecked) {
      if (text.indexOf("\r", pos) !== -1) return false;
      crChecked = true;
    }

    // Every entry takes 4 lines, whichever way it is read.
    const line = 1 + 4 * builder.size;
    const e0 = lineEnd(text, pos);
    if (e0 >= end) throw truncated(line, 1);
    const e1 = lineEnd(text, e0 + 1);
    if (e1 >= end) throw truncated(line, 2);
    const e2 = lineEnd(text, e1 + 1);
    builder.add(decodeEntry([text.slice(pos, e0), text.slice(e0 + 1, e1), text.slice(e1 + 1, e2)], builder.keys));
    pos = e2 >= end ? end : blankLine(text, e2, end, line);
  }
  return true;
}

/** Characters of a regular entry: 3 art lines of 27 and a blank line of 27 spaces, each with its "\n". */
const REGULAR = 4 * (LINE_WIDTH + 1);

/**
 * The fast path: reads from the byte chunk the run of regular entries starting at `pos` that
 * lie wholly before `end`, and returns where the run stops: at the first entry that is not
 * regular (a short or long line, a foreign character, a blank line that is not 27 spaces),
 * which the general path then reads, whatever it holds.
 */
function readRegularRun(window: Window, text: string | undefined, pos: number, end: number, maxEntries: number, builder: PacketBuilder): number {
  if (pos + REGULAR > window.end) window.encode(text, pos);
  if (!window.ascii) return pos;
  const chunkStart = window.start;
  const bytes = chunk;
  const view = chunkView;
  // Offsets in the chunk: every byte read lies below `end`, within the chunk.
  let o = pos - chunkStart;
  const last = Math.min(window.end, end) - chunkStart - REGULAR;
  if (o > last) return pos;
  const most = Math.min(maxEntries - builder.size, Math.floor((last - o) / REGULAR) + 1);
  const lines = builder.lines(most);
  const keys = builder.keys;
  for (let room = most; room > 0; room--, o += REGULAR) {
    if (bytes[o + 27] !== NL || bytes[o + 55] !== NL || bytes[o + 83] !== NL || !blankLineAt(o + 84)) break;
    const status = readRegularEntry(view, o, o + 28, o + 56, keys, lines, builder.end);
    if (status < 0) break;
    builder.added(status);
  }
  return o + chunkStart;
}

/** "   \n" read as a little-endian uint32. */
const SPACES3_NL = 0x0a202020;

/** Whether chunk[from..from+27] is 27 spaces and "\n": seven 4-byte reads instead of 28. */
function blankLineAt(from: number): boolean {
  const v = chunkView;
  return (
    ((v.getUint32(from, true) ^ SPACES4) |
      (v.getUint32(from + 4, true) ^ SPACES4) |
      (v.getUint32(from + 8, true) ^ SPACES4) |
      (v.getUint32(from + 12, true) ^ SPACES4) |
      (v.getUint32(from + 16, true) ^ SPACES4) |
      (v.getUint32(from + 20, true) ^ SPACES4) |
      (v.getUint32(from + 24, true) ^ SPACES3_NL)) ===
    0
  );
}

/** Check the blank line after the art ending at `artEnd` (a line end); returns where the next entry starts. */
function blankLine(text: string, artEnd: number, end: number, entryLine: number): number {
  const from = artEnd + 1;
  const to = lineEnd(text, from);
  if (!isBlankLine(text, from, to)) {
    throw new PacketError(
      `line ${entryLine + 3}: expected a blank line after the 3 art lines of the entry starting at line ${entryLine}; ${FORMAT}`,
    );
  }
  return Math.min(to + 1, end);
}

function truncated(entryLine: number, artLines: number): PacketError {
  return new PacketError(
    `line ${entryLine}: the last entry has only ${artLines} art line${artLines === 1 ? "" : "s"}; ${FORMAT}`,
  );
}
