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

/** One finding per entry, in input order. */
export function readPacket(packet: Packet, options?: ReadOptions): Finding[] {
  const { keys, reasons, size } = packet;
  const correct = options?.correct === true;
  const D = DIGIT_OF;
  // Grown by push: measured faster than preallocating, whose 100 000 slots are born in old
  // space, so that every young finding stored there costs the scavenger a remembered slot.
  const findings: Finding[] = [];
  for (let e = 0, at = 0; e < size; e++, at += 9) {
    const d0 = D[keys[at]!]!;
    const d1 = D[keys[at + 1]!]!;
    const d2 = D[keys[at + 2]!]!;
    const d3 = D[keys[at + 3]!]!;
    const d4 = D[keys[at + 4]!]!;
    const d5 = D[keys[at + 5]!]!;
    const d6 = D[keys[at + 6]!]!;
    const d7 = D[keys[at + 7]!]!;
    const d8 = D[keys[at + 8]!]!;
    const number = String.fromCharCode(
      CHAR_OF[d0]!, CHAR_OF[d1]!, CHAR_OF[d2]!, CHAR_OF[d3]!, CHAR_OF[d4]!,
      CHAR_OF[d5]!, CHAR_OF[d6]!, CHAR_OF[d7]!, CHAR_OF[d8]!,
    );
    // d + 6 reaches 16 only for UNREADABLE (10): one test for all nine cells.
    const unreadable =
      ((d0 + 6) | (d1 + 6) | (d2 + 6) | (d3 + 6) | (d4 + 6) | (d5 + 6) | (d6 + 6) | (d7 + 6) | (d8 + 6)) & 16;
    let status: Status;
    if (unreadable !== 0) {
      status = "ILL";
    } else {
      const sum = 9 * d0 + 8 * d1 + 7 * d2 + 6 * d3 + 5 * d4 + 4 * d5 + 3 * d6 + 2 * d7 + d8;
      status = sum % 11 === 0 ? "OK" : "ERR";
    }
    if (status === "OK") {
      findings.push({ number, status });
      continue;
    }
    if (status === "ILL" && reasons.size !== 0) {
      const reason = reasons.get(e);
      if (reason !== undefined) {
        findings.push({ number, status, reason });
        continue;
      }
    }
    findings.push(correct ? corrected(number, status, keys, at) : { number, status });
  }
  return findings;
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
