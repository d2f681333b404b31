/** Findings: what is reported for each entry, and their lines "para el jefe". */

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

/** The findings file: one line per finding, each ending in "\n". */
export function findingsFile(findings: readonly Finding[], classic = false): string {
  return findings.map((finding) => `${findingLine(finding, classic)}\n`).join("");
}
