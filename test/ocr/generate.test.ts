import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  findingLine,
  generate,
  isValid,
  packetText,
  parsePacket,
  readPacket,
  render,
  type GenerateOptions,
} from "../../ocr/testing.js";
import { generateOptions } from "./support.js";

const options = generateOptions;

const keyLines = (input: unknown, correct = false): string[] =>
  readPacket(parsePacket(input), { correct }).map((finding) => findingLine(finding));

describe("generate", () => {
  it("is deterministic per seed", () => {
    fc.assert(
      fc.property(options, (o) => {
        expect(generate(o)).toEqual(generate(o));
      }),
      { numRuns: 50 },
    );
  });

  it("depends on the seed", () => {
    const a = generate({ count: 20, seed: 1, errRate: 0.2, illRate: 0.2 });
    const b = generate({ count: 20, seed: 2, errRate: 0.2, illRate: 0.2 });
    expect(a.key).not.toEqual(b.key);
  });

  it("draws art of 3 lines of exactly 27 characters of ' |_'", () => {
    const { entries, key } = generate({ count: 500, seed: 99, errRate: 0.3, illRate: 0.4 });
    expect(entries).toHaveLength(500);
    expect(key).toHaveLength(500);
    for (const entry of entries) {
      expect(entry).toHaveLength(3);
      for (const line of entry) expect(line).toMatch(/^[ |_]{27}$/);
    }
  });

  it("makes valid readings, checksum errors and scan errors at the given rates", () => {
    const count = 4000;
    const statuses = (o: Omit<GenerateOptions, "count" | "seed">) =>
      generate({ count, seed: 7, ...o }).key.map((line) => line.slice(10));
    expect(new Set(statuses({ errRate: 0, illRate: 0 }))).toEqual(new Set(["OK"]));
    expect(new Set(statuses({ errRate: 1, illRate: 0 }))).toEqual(new Set(["ERR"]));
    expect(new Set(statuses({ errRate: 0, illRate: 1 }))).toEqual(new Set(["ILL"]));
    const mixed = statuses({ errRate: 0.2, illRate: 0.3 });
    const share = (status: string) => mixed.filter((s) => s === status).length / count;
    expect(share("ERR")).toBeGreaterThan(0.17);
    expect(share("ERR")).toBeLessThan(0.23);
    expect(share("ILL")).toBeGreaterThan(0.27);
    expect(share("ILL")).toBeLessThan(0.33);
  });

  it("spoils one cell by one stroke in about 3 of 4 scan errors, else two cells", () => {
    const { entries, key } = generate({ count: 2000, seed: 3, errRate: 0, illRate: 1 });
    const unreadable = key.map((line) => [...line.slice(0, 9)].filter((c) => c === "?").length);
    expect(new Set(unreadable)).toEqual(new Set([1, 2]));
    const single = unreadable.filter((n) => n === 1).length / key.length;
    expect(single).toBeGreaterThan(0.7);
    expect(single).toBeLessThan(0.8);
    // A one-stroke spoil is mended by correction: the original valid number comes back.
    const corrected = readPacket(parsePacket({ Contenido: entries }), { correct: true });
    corrected.forEach((finding, i) => {
      if (unreadable[i] === 1) {
        expect(finding).toMatchObject({ status: "OK", corrected: true, original: key[i]!.slice(0, 9) });
      } else {
        expect(finding.status).toBe("ILL");
      }
    });
  });

  it("changes one digit of a valid number for a checksum error", () => {
    const { entries, key } = generate({ count: 300, seed: 11, errRate: 1, illRate: 0 });
    entries.forEach((entry, i) => {
      const number = key[i]!.slice(0, 9);
      expect(isValid(number)).toBe(false);
      expect(entry).toEqual(render(number));
    });
  });

  it("rejects options out of range", () => {
    const ok: GenerateOptions = { count: 1, seed: 1, errRate: 0.1, illRate: 0.1 };
    for (const bad of [
      { count: -1 },
      { count: 1.5 },
      { seed: -1 },
      { seed: 2 ** 32 },
      { seed: 0.5 },
      { errRate: 1.1 },
      { illRate: -0.1 },
      { errRate: Number.NaN },
      { errRate: 0.6, illRate: 0.5 },
    ]) {
      expect(() => generate({ ...ok, ...bad })).toThrow(RangeError);
    }
    expect(generate({ ...ok, errRate: 0.7, illRate: 0.3 }).key).toHaveLength(1);
  });
});

describe("the reader agrees with the generator's key", () => {
  it("in text form and in JSON form", () => {
    fc.assert(
      fc.property(options, (o) => {
        const { entries, key } = generate(o);
        if (o.count > 0) expect(keyLines(packetText(entries))).toEqual(key);
        expect(keyLines({ Id: "p", Contenido: entries })).toEqual(key);
        expect(keyLines(JSON.stringify({ Id: "p", Contenido: entries, Key: key }))).toEqual(key);
      }),
      { numRuns: 200 },
    );
  });

  it("in text form with CRLF, trimmed lines or a character that is not ASCII elsewhere", () => {
    fc.assert(
      fc.property(options.filter((o) => o.count > 0), (o) => {
        const { entries, key } = generate(o);
        const text = packetText(entries);
        expect(keyLines(text.replaceAll("\n", "\r\n"))).toEqual(key);
        expect(keyLines(text.replace(/ +$/gm, ""))).toEqual(key);
        expect(keyLines(`${text}  \n\t\n\n`)).toEqual(key);
        // A blank line holding a no-break space keeps the reader off its ASCII fast path.
        const nonAscii = `${entries.map((e) => `${e.join("\n")}\n\u00a0`).join("\n")}\n`;
        expect(keyLines(nonAscii)).toEqual(key);
      }),
      { numRuns: 100 },
    );
  });

  it("for a whole packet of 20 000 entries, one of them with a foreign character", () => {
    const { entries, key } = generate({ count: 20_000, seed: 2024, errRate: 0.05, illRate: 0.05 });
    const text = packetText(entries);
    expect(keyLines(text)).toEqual(key);
    // Entry 10 000 gets an "é" in place of its first character (a space in every digit's top row).
    const at = 10_000 * 112;
    expect(text[at]).toBe(" ");
    const findings = readPacket(parsePacket(`${text.slice(0, at)}é${text.slice(at + 1)}`));
    expect(findings[10_000]).toMatchObject({ number: `?${key[10_000]!.slice(1, 9)}`, status: "ILL", reason: "foreign character '\\u00e9' at line 1, column 1" });
    expect(findings.map((f) => findingLine(f)).filter((line, i) => line !== key[i])).toHaveLength(1);
  });

  it("and correction never changes an OK entry", () => {
    fc.assert(
      fc.property(options, (o) => {
        const { entries, key } = generate(o);
        const corrected = readPacket(parsePacket({ Contenido: entries }), { correct: true });
        corrected.forEach((finding, i) => {
          const line = key[i]!;
          if (line.endsWith(" OK")) {
            expect(finding).toEqual({ number: line.slice(0, 9), status: "OK" });
          } else if (finding.corrected === true) {
            expect(isValid(finding.number)).toBe(true);
            expect(finding.original).toBe(line.slice(0, 9));
          } else if (finding.status === "AMB") {
            expect(finding.number).toBe(line.slice(0, 9));
            expect(finding.candidates!.length).toBeGreaterThan(1);
            expect([...finding.candidates!].sort()).toEqual(finding.candidates);
            for (const c of finding.candidates!) expect(isValid(c)).toBe(true);
          } else {
            expect(findingLine(finding)).toBe(line);
          }
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe("render and read", () => {
  const valid = fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 })
    .map((digits) => {
      const sum = digits.reduce((s, d, i) => s + (9 - i) * d, 0);
      return { digits, check: (11 - (sum % 11)) % 11 };
    })
    .filter(({ check }) => check !== 10)
    .map(({ digits, check }) => `${digits.join("")}${check}`);

  it("round-trips every valid number", () => {
    fc.assert(
      fc.property(fc.array(valid, { minLength: 1, maxLength: 20 }), (numbers) => {
        for (const n of numbers) expect(isValid(n)).toBe(true);
        const entries = numbers.map(render);
        const expected = numbers.map((n) => `${n} OK`);
        expect(keyLines(packetText(entries))).toEqual(expected);
        expect(keyLines({ Contenido: entries }, true)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("reads any 9 digits with the status the checksum gives", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{9}$/), (n) => {
        expect(keyLines({ Contenido: [render(n)] })).toEqual([`${n} ${isValid(n) ? "OK" : "ERR"}`]);
      }),
      { numRuns: 300 },
    );
  });
});
