// The contract between ocr/'s two layers: every public function of the engine (ocr/fast/)
// gives what its twin in the kata (ocr/kata/) gives, on arbitrary packets: well-formed and
// spoiled art, malformed lines (trimmed, short, too long), foreign and non-ASCII characters,
// every accepted form (JSON object, JSON text indented or compact, scanner text with LF, CRLF
// or CR line ends), every status and correction outcome, and bodies that are no paquete.
// Generation is checked by reading what the engine wrote with the kata.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findingsText, generate, jsonBytes, parseBody, parseJsonBytes, parsePacket, PacketError, readPacket, textBytes } from "../../ocr/testing.js";
import { checkDigit } from "../../ocr/kata/checksum.js";
import { corrections } from "../../ocr/kata/correct.js";
import { DIGIT_NEIGHBOURS, PATTERNS, digitOf, oneStrokeFrom } from "../../ocr/kata/digits.js";
import { findingLine, findingsFile } from "../../ocr/kata/findings.js";
import * as kata from "../../ocr/kata/generate.js";
import { paqueteOf, readPaquete } from "../../ocr/kata/paquete.js";
import { readEntry, type Lines } from "../../ocr/kata/read.js";
import { draw } from "../../ocr/kata/render.js";
import { entriesOfText, packetText } from "../../ocr/kata/scanner.js";
import { DIGIT_OF, NEIGHBOURS, UNREADABLE, keyOf } from "../../ocr/fast/keys.js";
import { generateOptions, latin1, paqueteIds } from "./support.js";

const digitCell = fc.integer({ min: 0, max: 9 }).map((d) => PATTERNS[d]!);
/** A digit one stroke off: what correction has to mend. */
const strokeCell = fc.tuple(digitCell, fc.nat()).map(([cell, n]) => {
  const variants = oneStrokeFrom(cell);
  return variants[n % variants.length]!;
});
const randomCell = fc.array(fc.constantFrom(" ", "_", "|"), { minLength: 9, maxLength: 9 }).map((c) => c.join(""));
const cell = fc.oneof(
  { weight: 8, arbitrary: digitCell },
  { weight: 2, arbitrary: strokeCell },
  { weight: 1, arbitrary: randomCell },
);
/** The cells of a valid number: 8 digits at random and the 9th computed. */
const validArt = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 })
  .map((digits) => {
    const first8 = digits.join("");
    const last = checkDigit(first8);
    return last === undefined ? undefined : `${first8}${last}`;
  })
  .filter((number) => number !== undefined)
  .map((number) => [...number].map((d) => PATTERNS[Number(d)]!));

/** One stroke on a valid number's cell, sometimes: ERR, ILL, OK after correction, or AMB. */
const mendableArt = fc.tuple(validArt, fc.nat(8), fc.nat(), fc.boolean()).map(([cells, at, n, spoil]) => {
  const out = [...cells];
  if (spoil) {
    const variants = oneStrokeFrom(out[at]!);
    out[at] = variants[n % variants.length]!;
  }
  return out;
});

const art = fc.oneof(fc.array(cell, { minLength: 9, maxLength: 9 }), mendableArt).map((cells): Lines => draw(cells));

/** Characters that are no art: ASCII, control, line ends, JSON syntax, non-ASCII, a surrogate pair. */
const foreign = fc.constantFrom("a", "1", "-", "{", "[", '"', "\\", "\t", "\u0000", "\r", "\n", "é", "\u00a0", "\ufeff", "\u2028", "😀");

const edit = fc.record({
  row: fc.integer({ min: 0, max: 2 }),
  kind: fc.constantFrom("trim", "cut", "spaces", "long", "foreign"),
  at: fc.nat(30),
  char: foreign,
});

/** An entry, its lines now and then edited: trimmed, cut short, padded, too long, or with a foreign character. */
const entry = fc
  .tuple(art, fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: fc.array(edit, { maxLength: 3 }) }))
  .map(([lines, edits]): Lines => {
    const out: string[] = [...lines];
    for (const { row, kind, at, char } of edits) {
      const line = out[row]!;
      if (kind === "trim") out[row] = line.replace(/ +$/, "");
      else if (kind === "cut") out[row] = line.slice(0, at % 28);
      else if (kind === "spaces") out[row] = line + " ".repeat(at % 5);
      else if (kind === "long") out[row] = line.padEnd(27) + " ".repeat(at % 3) + "|_".repeat(1 + (at % 2));
      else out[row] = line.slice(0, at % 27) + char + line.slice((at % 27) + 1);
    }
    return [out[0]!, out[1]!, out[2]!];
  });

const BLANK = " ".repeat(27);

/** A paquete in one of the accepted forms, as a request would carry it. */
const paquete = fc
  .record({
    entries: fc.array(entry, { maxLength: 12 }),
    form: fc.constantFrom("object", "indented", "compact", "lf", "crlf", "cr"),
    id: fc.option(paqueteIds, { nil: undefined }),
    blank: fc.constantFrom(BLANK, "", "\t ", "\u00a0"),
    lastBlank: fc.boolean(),
    tail: fc.constantFrom("", "\n", "\n\n  \n", "\r\n\t"),
    bom: fc.boolean(),
  })
  .map(({ entries, form, id, blank, lastBlank, tail, bom }): unknown => {
    const object = id === undefined ? { Contenido: entries } : { Id: id, Contenido: entries };
    if (form === "object") return object;
    if (form === "indented") return JSON.stringify(object, null, 2);
    if (form === "compact") return JSON.stringify(object);
    const eol = form === "lf" ? "\n" : form === "crlf" ? "\r\n" : "\r";
    const lines = entries.flatMap((lines, e) => (e < entries.length - 1 || lastBlank ? [...lines, blank] : [...lines]));
    return `${bom ? "\ufeff" : ""}${lines.join(eol)}${lines.length > 0 ? eol : ""}${tail}`;
  });

/** Bodies that are no paquete, or just barely one: both layers must refuse the same ones. */
const oddBody = fc.oneof(
  fc.constantFrom("", "  \n\t", "{}", "[]", "null", '{"Contenido": 3}', '{"Contenido": [["a", "b"]]}', '{"Id": "", "Contenido": []}',
    '{"Id": "a b", "Contenido": []}', '{"Contenido": [], "Id": 7}', '{"__proto__": [], "Contenido": []}', "{", "\u00a0{}", `${BLANK}\n${BLANK}`,
    ` _ \n| |\n|_|\n x \n`, ` _ \n| |\n`),
  fc.string({ maxLength: 80 }),
  fc.array(fc.constantFrom(" ", "_", "|", "\n", "\r", "\t", "x", "{", "\u00a0"), { maxLength: 200 }).map((c) => c.join("")),
  fc.constantFrom(null, 5, [], {}, { Contenido: "x" }, { Contenido: [[1, 2, 3]] }, { Id: 5, Contenido: [] }, new Uint8Array(3)),
);

/** What the kata finds, or "refused" when it finds no paquete. */
function kataFindings(input: unknown, correct: boolean): ReturnType<typeof readPaquete> | "refused" {
  try {
    return readPaquete(input, { correct });
  } catch {
    return "refused";
  }
}

/** What the engine finds, or "refused" when it throws a PacketError. */
function fastFindings(input: unknown, correct: boolean): ReturnType<typeof readPaquete> | "refused" {
  let packet;
  try {
    packet = parsePacket(input);
  } catch (error) {
    if (error instanceof PacketError) return "refused";
    throw error;
  }
  const findings = readPacket(packet, { correct });
  return packet.id === undefined ? { findings } : { id: packet.id, findings };
}

describe("parsePacket + readPacket are kata readPaquete", () => {
  it("on arbitrary paquetes in every form, with and without correction", () => {
    fc.assert(
      fc.property(paquete, fc.boolean(), (input, correct) => {
        expect(fastFindings(input, correct)).toEqual(kataFindings(input, correct));
      }),
      { numRuns: 600 },
    );
  });

  it("and refuse the same bodies", () => {
    fc.assert(
      fc.property(oddBody, (input) => {
        expect(fastFindings(input, false)).toEqual(kataFindings(input, false));
      }),
      { numRuns: 600 },
    );
  });

  it("give every status and every correction outcome along the way", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(paquete, (input) => {
        const found = kataFindings(input, true);
        if (found === "refused") return;
        for (const f of found.findings) seen.add(f.corrected === true ? "corrected" : f.reason !== undefined ? "malformed" : f.status);
      }),
      { numRuns: 600 },
    );
    expect([...seen].sort()).toEqual(["AMB", "ERR", "ILL", "OK", "corrected", "malformed"]);
  });
});

/** What the engine finds from a body's UTF-8 bytes, as validador reads them, or the PacketError's message. */
function bodyFindings(text: string, correct: boolean): ReturnType<typeof readPaquete> | { refused: string } {
  let packet;
  try {
    packet = parseBody(Buffer.from(text, "utf8"));
  } catch (error) {
    if (error instanceof PacketError) return { refused: error.message };
    throw error;
  }
  const findings = readPacket(packet, { correct });
  return packet.id === undefined ? { findings } : { id: packet.id, findings };
}

/** parsePacket's message for a text it refuses. */
function refusal(text: string): { refused: string } {
  try {
    parsePacket(text);
  } catch (error) {
    if (error instanceof PacketError) return { refused: error.message };
    throw error;
  }
  throw new Error(`parsePacket read ${JSON.stringify(text)}`);
}

/** parseBody on a text body's bytes gives kata readPaquete's findings, or parsePacket's refusal. */
function agreesWithKata(input: unknown, correct: boolean): void {
  if (typeof input !== "string") return;
  const text = Buffer.from(input, "utf8").toString("utf8");
  const kata = kataFindings(text, correct);
  expect(bodyFindings(text, correct)).toEqual(kata === "refused" ? refusal(text) : kata);
}

describe("parseBody on a body's bytes is kata readPaquete on its text", () => {
  it("on arbitrary paquetes in every form, with and without correction", () => {
    fc.assert(fc.property(paquete, fc.boolean(), agreesWithKata), { numRuns: 600 });
  });

  it("and refuses the same bodies, in parsePacket's words", () => {
    fc.assert(
      fc.property(oddBody, (input) => agreesWithKata(input, false)),
      { numRuns: 600 },
    );
  });

  it("reads long regular runs in both forms, and goes on where a run stops", () => {
    const generated = generate({ count: 300, seed: 7, errRate: 0.1, illRate: 0.1 });
    const text = Buffer.from(textBytes(generated)).toString("latin1");
    const lines = text.split("\n");
    // An entry past the first hundred with a short line, and the last blank line left out.
    lines[4 * 150 + 1] = lines[4 * 150 + 1]!.trimEnd();
    const spoiled = lines.slice(0, -2).join("\n");
    for (const body of [text, spoiled, `\ufeff${text}`, text.replaceAll("\n", "\r\n"), latin1(jsonBytes(generated, { id: "abc", indent: true, key: false }))]) {
      expect(bodyFindings(body, true)).toEqual(kataFindings(body, true));
    }
  });

  it("refuses bytes that are not UTF-8, whatever the form", () => {
    for (const body of [Buffer.from([0x7b, 0xff]), Buffer.from([0x20, 0x5f, 0xff, 0x0a]), Buffer.from([0xc3])]) {
      expect(() => parseBody(body)).toThrow(new PacketError("the body is not valid UTF-8 text"));
    }
  });
});

describe("findingsText is kata findingsFile", () => {
  it("for every option", () => {
    fc.assert(
      fc.property(paquete, fc.boolean(), fc.boolean(), (input, correct, classic) => {
        const expected = kataFindings(input, correct);
        if (expected === "refused") return;
        expect(latin1(findingsText(parsePacket(input), { correct, classic }))).toBe(findingsFile(expected.findings, classic));
      }),
      { numRuns: 400 },
    );
  });
});

/**
 * The entries of a paquete in JSON form, or undefined for the text form, which may start with
 * "{" too: an art line may hold any character.
 */
function contenidoOf(input: string): string[][] | undefined {
  try {
    return (JSON.parse(input) as { Contenido?: string[][] } | null)?.Contenido;
  } catch {
    return undefined;
  }
}

describe("parseJsonBytes is kata readPaquete on the JSON it takes", () => {
  it("and takes every paquete JSON.stringify writes with full-width art", () => {
    fc.assert(
      fc.property(paquete, fc.boolean(), (input, correct) => {
        if (typeof input !== "string") return;
        const packet = parseJsonBytes(Buffer.from(input, "utf8"));
        const regular = contenidoOf(input)?.every((lines) => lines.every((l) => /^[ _|]{27}$/.test(l))) ?? false;
        if (regular) expect(packet).toBeDefined();
        if (packet === undefined) return;
        const findings = readPacket(packet, { correct });
        expect(packet.id === undefined ? { findings } : { id: packet.id, findings }).toEqual(kataFindings(input, correct));
      }),
      { numRuns: 400 },
    );
  });
});

describe("the engine's cell tables are the kata's digits and strokes", () => {
  const anyCell = fc.array(fc.constantFrom(" ", "_", "|", "x", "é", "\t"), { minLength: 9, maxLength: 9 }).map((c) => c.join(""));

  it("DIGIT_OF[keyOf(cell)] is digitOf(cell)", () => {
    for (const pattern of PATTERNS) expect(DIGIT_OF[keyOf(pattern)]).toBe(digitOf(pattern));
    fc.assert(
      fc.property(anyCell, (c) => {
        const digit = DIGIT_OF[keyOf(c)];
        expect(digit === UNREADABLE ? undefined : digit).toBe(digitOf(c));
      }),
      { numRuns: 2000 },
    );
  });

  it("NEIGHBOURS[keyOf(cell)] holds the digits one stroke from the cell", () => {
    fc.assert(
      fc.property(fc.oneof(strokeCell, digitCell, randomCell), (c) => {
        const digits = oneStrokeFrom(c).map(digitOf).filter((d) => d !== undefined);
        const mask = NEIGHBOURS[keyOf(c)]!;
        expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((d) => (mask >>> d) & 1)).toEqual([...new Set(digits)].sort());
      }),
      { numRuns: 2000 },
    );
    expect(DIGIT_NEIGHBOURS).toEqual([[8], [7], [], [9], [], [6, 9], [5, 8], [1], [0, 6, 9], [3, 5, 8]]);
  });

  it("kata corrections agree with the one-stroke rule on the spec's example", () => {
    const lines = draw([..."490067715"].map((d) => PATTERNS[Number(d)]!));
    expect(corrections(lines)).toEqual(["490067115", "490067719", "490867715"]);
    expect(readEntry(lines)).toEqual({ number: "490067715", status: "ERR" });
  });
});

const options = generateOptions;

describe("generate is kata generate", () => {
  it("entry for entry, and its key", () => {
    fc.assert(
      fc.property(options, (o) => {
        const generated = generate(o);
        const expected = kata.generate(o);
        expect(generated.key).toEqual(expected.key);
        expect(generated.entries).toEqual(expected.entries);
      }),
      { numRuns: 300 },
    );
  });

  it("and what textBytes and jsonBytes write, read by the kata, is the kata's art and gives the key", () => {
    fc.assert(
      fc.property(options, paqueteIds, fc.boolean(), fc.boolean(), (o, id, indent, key) => {
        const generated = generate(o);
        const expected = kata.generate(o);
        const text = latin1(textBytes(generated));
        expect(text).toBe(packetText(expected.entries));
        if (o.count > 0) {
          expect(entriesOfText(text)).toEqual(expected.entries);
          expect(readPaquete(text).findings.map((f) => findingLine(f))).toEqual(expected.key);
        }
        const json = latin1(jsonBytes(generated, { id, indent, key }));
        const written = paqueteOf(json);
        expect(written).toEqual({ id, entries: expected.entries });
        expect(readPaquete(json).findings.map((f) => findingLine(f))).toEqual(expected.key);
        const paquete = key ? { Id: id, Contenido: expected.entries, Key: expected.key } : { Id: id, Contenido: expected.entries };
        expect(json).toBe(`${indent ? JSON.stringify(paquete, null, 2) : JSON.stringify(paquete)}\n`);
      }),
      { numRuns: 300 },
    );
  });
});
