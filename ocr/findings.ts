/** Findings: what the reader reports for each entry, and their lines "para el jefe". */
import { DIGIT_OF } from "./cells.js";
import { corrections } from "./correct.js";
import type { Packet } from "./packet.js";

export type Status = "OK" | "ERR" | "ILL" | "AMB";

export interface Finding {
  /** Always 9 characters: digits, "?" for an unreadable cell. */
  readonly number: string;
  readonly status: Status;
  /** ILL entries whose content is malformed: a line too long, a foreign character. */
  readonly reason?: string;
  /** Correction found exactly one valid number: status OK and `number` is the fix. */
  readonly corrected?: true;
  /** With `corrected` or AMB: the reading before correction. */
  readonly original?: string;
  /** AMB only: the valid numbers one stroke away, ascending. */
  readonly candidates?: readonly string[];
}

export interface ReadOptions {
  /** Try to mend ERR and ILL entries by one stroke (see correct.ts). */
  readonly correct?: boolean;
}

/** Character code for a DIGIT_OF value: the digit, or "?" for an unreadable cell. */
const CHAR_OF = new Uint8Array(256).fill(0x3f);
for (let d = 0; d <= 9; d++) CHAR_OF[d] = 0x30 + d;

// An entry's status before correction, as readEntry returns it.
const OK = 0;
const ERR = 1;
const ILL = 2;
const STATUS: readonly Status[] = ["OK", "ERR", "ILL"];

/** Scratch for the entry being read: its nine characters, a digit or "?" each. */
const chars = new Uint8Array(9);

/**
 * Reads the entry whose cell keys are keys[at..at+8], writing its nine characters into
 * out[to..to+8]; returns OK, ERR or ILL.
 */
function readEntry(keys: Int32Array, at: number, out: Uint8Array, to: number): number {
  let unreadable = 0;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const d = DIGIT_OF[keys[at + i]!]!;
    out[to + i] = CHAR_OF[d]!;
    // d + 6 reaches 16 only for UNREADABLE (10).
    unreadable |= (d + 6) & 16;
    sum += (9 - i) * d;
  }
  return unreadable !== 0 ? ILL : sum % 11 === 0 ? OK : ERR;
}

const numberOf = (c: Uint8Array) => String.fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!);

/** One finding per entry, in input order. */
export function readPacket(packet: Packet, options?: ReadOptions): Finding[] {
  const { keys, reasons, size } = packet;
  const correct = options?.correct === true;
  // Grown by push: measured faster than preallocating, whose 100 000 slots are born in old
  // space, so that every young finding stored there costs the scavenger a remembered slot.
  const findings: Finding[] = [];
  for (let e = 0, at = 0; e < size; e++, at += 9) {
    const code = readEntry(keys, at, chars, 0);
    const number = numberOf(chars);
    const status = STATUS[code]!;
    const reason = code === ILL && reasons.size !== 0 ? reasons.get(e) : undefined;
    if (code === OK) findings.push({ number, status });
    else if (reason !== undefined) findings.push({ number, status, reason });
    else findings.push(correct ? corrected(number, status, keys, at) : { number, status });
  }
  return findings;
}

export interface TextOptions extends ReadOptions {
  /** Print a valid number alone, without OK, as the classic exercise does. */
  readonly classic?: boolean;
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const SUFFIX = [ascii(" OK\n"), ascii(" ERR\n"), ascii(" ILL\n")];
const CLASSIC_OK = ascii("\n");
/** The longest line without correction: nine characters and " ERR\n". */
const PLAIN_LINE = 14;

/**
 * The findings as UTF-8 text, one line per entry: the same lines as readPacket and findingLine
 * give, written straight into bytes, without a Finding object or string per entry (a 100 000-entry
 * packet's findings then cost about their own size in memory).
 */
export function findingsText(packet: Packet, options?: TextOptions): Uint8Array {
  const { keys, reasons, size } = packet;
  const correct = options?.correct === true;
  const classic = options?.classic === true;
  let out = new Uint8Array(size * PLAIN_LINE);
  let n = 0;
  const room = (bytes: number) => {
    if (n + bytes <= out.length) return;
    const grown = new Uint8Array(2 * (n + bytes));
    grown.set(out.subarray(0, n));
    out = grown;
  };
  for (let e = 0, at = 0; e < size; e++, at += 9) {
    if (n + PLAIN_LINE > out.length) room(PLAIN_LINE);
    const code = readEntry(keys, at, out, n);
    if (correct && code !== OK && !reasons.has(e)) {
      // Mending is rare and may give a long AMB line: the general path.
      const line = findingLine(corrected(numberOf(out.subarray(n)), STATUS[code]!, keys, at), classic);
      room(line.length + 1);
      for (let i = 0; i < line.length; i++) out[n++] = line.charCodeAt(i);
      out[n++] = 0x0a;
      continue;
    }
    n += 9;
    // Byte by byte: for a few bytes this beats TypedArray.set.
    const suffix = classic && code === OK ? CLASSIC_OK : SUFFIX[code]!;
    for (let i = 0; i < suffix.length; i++) out[n + i] = suffix[i]!;
    n += suffix.length;
  }
  return out.subarray(0, n);
}

function corrected(number: string, status: Status, keys: Int32Array, at: number): Finding {
  const found = corrections(keys, at);
  if (found.length === 0) return { number, status };
  if (found.length === 1) return { number: found[0]!, status: "OK", corrected: true, original: number };
  return { number, status: "AMB", original: number, candidates: found };
}

/**
 * A finding's line: `457508000 OK`, `86110??36 ILL`,
 * `888888888 AMB ['888886888', '888888880', '888888988']`. Classic: an OK number alone.
 */
export function findingLine(finding: Finding, classic = false): string {
  if (finding.status === "AMB") {
    const candidates = (finding.candidates ?? []).map((c) => `'${c}'`).join(", ");
    return `${finding.number} AMB [${candidates}]`;
  }
  if (classic && finding.status === "OK") return finding.number;
  return `${finding.number} ${finding.status}`;
}
