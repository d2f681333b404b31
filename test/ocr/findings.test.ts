import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findingLine, findingsText, generate, packetText, parsePacket, readPacket, render, type Finding } from "../../ocr/testing.js";

describe("finding lines", () => {
  it.each<[Finding, string]>([
    [{ number: "457508000", status: "OK" }, "457508000 OK"],
    [{ number: "664371495", status: "ERR" }, "664371495 ERR"],
    [{ number: "86110??36", status: "ILL" }, "86110??36 ILL"],
    [{ number: "?????????", status: "ILL", reason: "line 2 is 31 characters long (at most 27)" }, "????????? ILL"],
    [{ number: "711111111", status: "OK", corrected: true, original: "111111111" }, "711111111 OK"],
    [
      { number: "888888888", status: "AMB", original: "888888888", candidates: ["888886888", "888888880", "888888988"] },
      "888888888 AMB ['888886888', '888888880', '888888988']",
    ],
  ])("prints %j as %j", (finding, line) => {
    expect(findingLine(finding)).toBe(line);
  });

  it("prints a valid number alone in the classic form, the others unchanged", () => {
    expect(findingLine({ number: "457508000", status: "OK" }, true)).toBe("457508000");
    expect(findingLine({ number: "711111111", status: "OK", corrected: true, original: "111111111" }, true)).toBe("711111111");
    expect(findingLine({ number: "664371495", status: "ERR" }, true)).toBe("664371495 ERR");
    expect(findingLine({ number: "86110??36", status: "ILL" }, true)).toBe("86110??36 ILL");
    expect(
      findingLine({ number: "555555555", status: "AMB", original: "555555555", candidates: ["555655555", "559555555"] }, true),
    ).toBe("555555555 AMB ['555655555', '559555555']");
  });
});

describe("findingsText", () => {
  const decoder = new TextDecoder();
  const lines = (packet: ReturnType<typeof parsePacket>, options: { correct?: boolean; classic?: boolean }) =>
    readPacket(packet, options).map((finding) => `${findingLine(finding, options.classic)}\n`).join("");

  it("writes exactly the lines readPacket and findingLine give, for every option", () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 60 }), fc.boolean(), fc.boolean(), (seed, count, correct, classic) => {
        const { entries } = generate({ count, seed, errRate: 0.3, illRate: 0.3 });
        const packet = parsePacket(packetText(entries));
        expect(decoder.decode(findingsText(packet, { correct, classic }))).toBe(lines(packet, { correct, classic }));
      }),
      { numRuns: 200 },
    );
  });

  it("reports malformed entries in place and grows past long AMB lines", () => {
    const amb = render("888888888");
    const [top, middle, bottom] = render("123456789");
    const packet = parsePacket({ Contenido: [amb, [top, middle.replace("|", "x"), bottom], amb, amb] });
    expect(decoder.decode(findingsText(packet, { correct: true }))).toBe(
      "888888888 AMB ['888886888', '888888880', '888888988']\n?23456789 ILL\n".concat(
        "888888888 AMB ['888886888', '888888880', '888888988']\n".repeat(2),
      ),
    );
    expect(findingsText(parsePacket({ Contenido: [] }))).toHaveLength(0);
  });
});
