/**
 * Text as bytes, for the readers and writers that work on bytes: ASCII text into bytes through
 * the platform's native encoder, the one chunk buffer the readers encode their input into, and
 * the characters and words they compare against. Plumbing: it has no twin in the kata.
 */

interface Utf8Encoder {
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}

interface Utf8Decoder {
  decode(bytes: Uint8Array): string;
}

// Looked up rather than named so the module compiles without DOM or Node type libraries.
const platform = globalThis as unknown as {
  TextEncoder?: new () => Utf8Encoder;
  TextDecoder?: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => Utf8Decoder;
};
const encoder = platform.TextEncoder === undefined ? undefined : new platform.TextEncoder();
// A byte order mark is kept: the readers drop it where a text's reading does. The lenient
// decoder is the fast one; the strict one only checks a text in which the lenient one put a
// replacement character.
const decoder = platform.TextDecoder === undefined ? undefined : new platform.TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
const strict = platform.TextDecoder === undefined ? undefined : new platform.TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * UTF-8 bytes as text, natively; undefined if they are not UTF-8. Without a TextDecoder, byte
 * by byte, which is right for ASCII (all a paquete's content can be).
 */
export function utf8Text(bytes: Uint8Array): string | undefined {
  if (decoder === undefined) {
    let text = "";
    for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
    return text;
  }
  const text = decoder.decode(bytes);
  if (text.indexOf("\ufffd") === -1) return text;
  try {
    return strict!.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Copies `text` into bytes[0..] with a native encode (far cheaper per character than
 * charCodeAt); true when it was all ASCII and fitted, so that byte offsets are its offsets.
 */
export function asciiBytes(text: string, bytes: Uint8Array): boolean {
  if (encoder === undefined) return false;
  const { read, written } = encoder.encodeInto(text, bytes);
  // Any other character takes 2+ bytes, so the buffer fills before the text ends.
  return read === text.length && written === text.length;
}

/** The character codes of a short ASCII text, for tables made at load time. */
export const asciiCodes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/**
 * The chunk a reader encodes its input into (scanner.ts, json.ts), CHUNK characters at a time:
 * memory stays bounded whatever the packet's size. Shared mutable state, on purpose: one chunk
 * for both readers instead of one per request. It is safe because a read is synchronous and
 * runs to its end before another starts, and no reader keeps a view of it past its return.
 */
export const CHUNK = 1 << 16;
export const chunk = new Uint8Array(CHUNK);
export const chunkView = new DataView(chunk.buffer);

/** ASCII codes the engine writes and compares. */
export const ZERO = 0x30;
export const QUESTION_MARK = 0x3f;

/** The 9 characters at bytes[o..o+8] (a number as read, or drawn) as a string. */
export const numberAt = (bytes: Uint8Array, o: number): string =>
  String.fromCharCode(bytes[o]!, bytes[o + 1]!, bytes[o + 2]!, bytes[o + 3]!, bytes[o + 4]!, bytes[o + 5]!, bytes[o + 6]!, bytes[o + 7]!, bytes[o + 8]!);

/** Four spaces as a 4-byte word (any byte order). */
export const SPACES4 = 0x20202020;
