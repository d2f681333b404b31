/**
 * Fast twin of kata/paquete.ts `paqueteOf` (and, with packet.ts, of `readPaquete`): a request
 * body, in either accepted form, to a Packet, each entry read as it is met; a PacketError
 * that says what was expected and where when the body is not a paquete.
 * JSON form: {"Id": "...", "Contenido": [[line1, line2, line3], ...]} (unknown keys ignored).
 * Text form: the scanner's file (see scanner.ts).
 */
import { ID_PATTERN } from "../kata/paquete.js";
import { decodeEntry } from "./entry.js";
import { MAX_ENTRIES, PacketBuilder, PacketError, tooManyEntries, type Packet } from "./packet.js";
import { isBlankChar, parseText } from "./scanner.js";

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
  let value: unknown;
  try {
    // JSON.parse does not take a byte order mark as whitespace.
    value = JSON.parse(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
  } catch (error) {
    throw new PacketError(`malformed JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseJson(value, maxEntries);
}

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
