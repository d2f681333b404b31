/**
 * Fast twin of kata/paquete.ts `paqueteOf` (and, with packet.ts, of `readPaquete`): a request
 * body, in either accepted form, to a Packet, each entry read as it is met; a PacketError
 * that says what was expected and where when the body is not a paquete.
 * JSON form: {"Id": "...", "Contenido": [[line1, line2, line3], ...]} (unknown keys ignored).
 * Text form: the scanner's file (see scanner.ts).
 */
import { ID_PATTERN } from "../kata/paquete.js";
import { utf8Text } from "./bytes.js";
import { decodeEntry } from "./entry.js";
import { parseJsonBytes } from "./json.js";
import { MAX_ENTRIES, PacketBuilder, PacketError, tooManyEntries, type Packet } from "./packet.js";
import { isBlankChar, parseText, parseTextBytes } from "./scanner.js";

const JSON_FORM = `{"Id": "...", "Contenido": [[line1, line2, line3], ...]}`;
const EXPECTED =
  `expected a paquete, either JSON ${JSON_FORM} or the scanner's text ` +
  `(per entry 3 art lines of up to 27 characters " ", "|", "_", then a blank line)`;

/** A value's kind for messages: "null", "array", "number", ... */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return "binary data";
  return typeof value;
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

function firstNonBlank(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x0a && code !== 0x0d && !isBlankChar(code)) return i;
  }
  return -1;
}

/**
 * A string is JSON when its first non-whitespace character is "{" (or "[", so that a JSON array
 * gets a message about JSON rather than about art lines); otherwise the scanner's text.
 * Any other value is taken as the already parsed JSON form.
 */
export function parsePacket(input: unknown, maxEntries: number = MAX_ENTRIES): Packet {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) {
    throw new RangeError(`maxEntries must be a non-negative integer, got ${maxEntries}`);
  }
  if (typeof input !== "string") return parseJson(input, maxEntries);
  const first = firstNonBlank(input);
  if (first === -1) throw new PacketError(`empty body: ${EXPECTED}`);
  const code = input.charCodeAt(first);
  if (code !== 0x7b && code !== 0x5b) return parseText(input, maxEntries);
  return parseJson(jsonValue(input), maxEntries);
}

function jsonValue(text: string): unknown {
  try {
    // JSON.parse does not take a byte order mark as whitespace.
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch (error) {
    // Worded as the template words it for a handler that reads event.body.
    throw new PacketError(`malformed JSON body: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface BodyOptions {
  /** Most entries the paquete may hold (MAX_ENTRIES unless said). */
  readonly maxEntries?: number;
  /**
   * The body is JSON, whatever it starts with (its content type says so): a body that is not
   * an object is refused as JSON, not read as the scanner's text.
   */
  readonly json?: boolean;
}

/**
 * parsePacket for a request body's UTF-8 bytes, as a function receives it: the form is chosen
 * once, by the first byte that is not whitespace, and read from the bytes. A JSON paquete
 * written the usual way (json.ts) and the scanner's regular entries (scanner.ts) are read with
 * no decode; anything else is decoded once and read as parsePacket reads the text, which also
 * words every error (one JSON.parse, one message for malformed JSON). Bytes that are not UTF-8
 * are a PacketError.
 */
export function parseBody(body: Uint8Array, options: BodyOptions = {}): Packet {
  const { maxEntries = MAX_ENTRIES, json = false } = options;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) {
    throw new RangeError(`maxEntries must be a non-negative integer, got ${maxEntries}`);
  }
  // A byte order mark is not part of the paquete (parsePacket drops it from a text).
  const bytes = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body;
  let i = 0;
  while (i < bytes.length && isBlankByte(bytes[i]!)) i++;
  const first = bytes[i];
  if (first === OPEN_OBJECT) return parseJsonBytes(bytes, maxEntries) ?? parsePacket(textOf(bytes), maxEntries);
  // Nothing but whitespace: "empty body", whatever the form.
  if (first === undefined) return parsePacket(textOf(bytes), maxEntries);
  if (json) {
    const text = textOf(bytes);
    // Blank but for whitespace that is not ASCII is empty too.
    return firstNonBlank(text) === -1 ? parsePacket(text, maxEntries) : parseJson(jsonValue(text), maxEntries);
  }
  // A JSON array, or a first character that is not ASCII: the text's reading.
  if (first === OPEN_ARRAY || first >= 0x80) return parsePacket(textOf(bytes), maxEntries);
  return parseTextBytes(bytes, maxEntries, textOf);
}

/**
 * The body's text, for the general path. Only it decodes: the fast paths read ASCII alone, so
 * a body they read whole is UTF-8 without being checked.
 */
function textOf(bytes: Uint8Array): string {
  const text = utf8Text(bytes);
  if (text === undefined) throw new PacketError("the body is not valid UTF-8 text");
  return text;
}

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;

/** The ASCII whitespace firstNonBlank skips. */
const isBlankByte = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0b || b === 0x0c;

function parseJson(value: unknown, maxEntries: number): Packet {
  if (typeof value !== "object" || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new PacketError(`${EXPECTED}; the JSON form's top level must be an object, got ${kindOf(value)}`);
  }
  let id: string | undefined;
  if (hasOwn(value, "Id")) {
    const given: unknown = (value as Record<string, unknown>)["Id"];
    if (typeof given !== "string" || !ID_PATTERN.test(given)) {
      const shown = typeof given === "string" ? JSON.stringify(given.slice(0, 80)) : kindOf(given);
      throw new PacketError(`Id must be a string of 1 to 64 letters, digits, "_" or "-", got ${shown}`);
    }
    id = given;
  }
  if (!hasOwn(value, "Contenido")) {
    throw new PacketError(`missing "Contenido": expected ${JSON_FORM}`);
  }
  const entries: unknown = (value as Record<string, unknown>)["Contenido"];
  if (!Array.isArray(entries)) {
    throw new PacketError(`Contenido must be an array of entries [line1, line2, line3], got ${kindOf(entries)}`);
  }
  if (entries.length > maxEntries) throw tooManyEntries(entries.length, maxEntries);

  const builder = new PacketBuilder(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const entry: unknown = entries[i];
    if (!Array.isArray(entry) || entry.length !== 3) {
      const got = Array.isArray(entry) ? `${entry.length} item${entry.length === 1 ? "" : "s"}` : kindOf(entry);
      throw new PacketError(`Contenido[${i}] must be an array of 3 strings (the entry's art lines), got ${got}`);
    }
    for (let j = 0; j < 3; j++) {
      const line: unknown = entry[j];
      if (typeof line !== "string") {
        throw new PacketError(`Contenido[${i}][${j}] must be a string, got ${kindOf(line)}`);
      }
    }
    builder.add(decodeEntry(entry as [string, string, string], builder.keys));
  }
  return builder.finish(id);
}
