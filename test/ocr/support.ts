// Shared helpers for the ocr tests.
import { findingLine, parsePacket, readPacket, render, type Finding } from "../../ocr/index.js";

/** Scanner text for entries given as their art lines: each entry's lines, then a blank line. */
export function textOf(...entries: readonly (readonly string[])[]): string {
  return entries.map((lines) => `${lines.join("\n")}\n${" ".repeat(27)}\n`).join("");
}

/** Findings for a packet in any accepted form. */
export function findings(input: unknown, correct = false): Finding[] {
  return readPacket(parsePacket(input), { correct });
}

/** Finding lines for a packet in any accepted form. */
export function lines(input: unknown, correct = false): string[] {
  return findings(input, correct).map((finding) => findingLine(finding));
}

/** The finding of one entry given as its art lines (JSON form, so lines are taken as given). */
export function readArt(art: readonly string[], correct = false): Finding {
  const [finding] = findings({ Contenido: [art] }, correct);
  if (finding === undefined) throw new Error("no finding");
  return finding;
}

/** The finding line for the rendered number, optionally corrected. */
export function readNumber(number: string, correct = false): string {
  return findingLine(readArt(render(number), correct));
}

/** Replace the character at (line, column), 0-based, in an entry's art. */
export function withChar(art: readonly string[], line: number, column: number, char: string): string[] {
  return art.map((text, i) => (i === line ? text.slice(0, column) + char + text.slice(column + 1) : text));
}
