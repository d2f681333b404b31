/**
 * A paquete in either form, read into its findings.
 * JSON form: {"Id": "...", "Contenido": [[line1, line2, line3], ...]} (other keys ignored);
 * text form: the scanner's file (scanner.ts). A string is JSON when its first character other
 * than whitespace is "{" or "[". The engine also caps the number of entries and words what is
 * wrong with a body that is no paquete; the kata only says that it is none.
 */
import { correct } from "./correct.js";
import type { Finding } from "./findings.js";
import { readEntry, type Lines } from "./read.js";
import { entriesOfText } from "./scanner.js";

/** What an Id may be: 1 to 64 letters, digits, "_" or "-" (a KSUID is 27 of them). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface Paquete {
  readonly id?: string;
  readonly entries: readonly Lines[];
}

const has = (value: object, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key);
const isLines = (entry: unknown): entry is Lines =>
  Array.isArray(entry) && entry.length === 3 && entry.every((line) => typeof line === "string");

/** The paquete a request carries; an error when it is none (its shape, not its art, is wrong). */
export function paqueteOf(input: unknown): Paquete {
  if (typeof input === "string") {
    const start = input.replace(/^[\n\r \t\v\f\u00a0\ufeff]+/, "");
    if (!start.startsWith("{") && !start.startsWith("[")) return { entries: entriesOfText(input) };
    input = JSON.parse(input.replace(/^\ufeff/, ""));
  }
  if (typeof input !== "object" || input === null || Array.isArray(input) || ArrayBuffer.isView(input)) {
    throw new Error("not a paquete");
  }
  const fields = input as Record<string, unknown>;
  const id = fields["Id"];
  if (has(fields, "Id") && (typeof id !== "string" || !ID_PATTERN.test(id))) throw new Error("bad Id");
  const entries = fields["Contenido"];
  if (!has(fields, "Contenido") || !Array.isArray(entries) || !entries.every(isLines)) throw new Error("bad Contenido");
  return typeof id === "string" ? { id, entries } : { entries };
}

export interface ReadOptions {
  /** Try to mend ERR and ILL entries by one stroke (see correct.ts). */
  readonly correct?: boolean;
}

/** One finding per entry of a paquete, in order. */
export function readPaquete(input: unknown, options?: ReadOptions): { id?: string; findings: Finding[] } {
  const { id, entries } = paqueteOf(input);
  const findings = entries.map((lines) => {
    const finding = readEntry(lines);
    return options?.correct === true ? correct(finding, lines) : finding;
  });
  return id === undefined ? { findings } : { id, findings };
}
