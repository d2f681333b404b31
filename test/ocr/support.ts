// Shared helpers for the ocr tests.
import fc from "fast-check";
import { findingLine, generate, parsePacket, readPacket, render, type Finding, type Generated, type GenerateOptions } from "../../ocr/testing.js";

/** Bytes as the string of their characters (what the paquete writers write is ASCII). */
export const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

/** Generated packets of 0 to `maxCount` entries, with and without spoiled ones. */
export function generatedPackets(maxCount: number): fc.Arbitrary<Generated> {
  return fc
    .record({
      count: fc.integer({ min: 0, max: maxCount }),
      seed: fc.integer({ min: 0, max: 0xffffffff }),
      errRate: fc.constantFrom(0, 0.2, 0.5),
      illRate: fc.constantFrom(0, 0.3, 0.5),
    })
    .map((o) => generate(o));
}

/** Every Id the JSON form allows. */
/** Generation options with errRate + illRate <= 1 (illRate drawn as a share of what errRate leaves). */
export const generateOptions: fc.Arbitrary<GenerateOptions & { count: number; seed: number }> = fc
  .record({
    count: fc.integer({ min: 0, max: 40 }),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    errRate: fc.double({ min: 0, max: 1, noNaN: true }),
    share: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ count, seed, errRate, share }) => ({ count, seed, errRate, illRate: (1 - errRate) * share }));

export const paqueteIds = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);

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
