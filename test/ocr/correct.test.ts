import { describe, expect, it } from "vitest";
import { findingLine, isValid, render } from "../../ocr/testing.js";
import { readArt, readNumber, withChar } from "./support.js";

describe("correction of the classic kata's entries", () => {
  it.each([
    ["111111111", "711111111"],
    ["777777777", "777777177"],
    ["200000000", "200800000"],
    ["333333333", "333393333"],
  ])("fixes %s as %s", (reading, fix) => {
    expect(readArt(render(reading), true)).toEqual({ number: fix, status: "OK", corrected: true, original: reading });
    expect(readNumber(reading, true)).toBe(`${fix} OK`);
    expect(isValid(fix)).toBe(true);
  });

  it.each([
    ["888888888", ["888886888", "888888880", "888888988"]],
    ["555555555", ["555655555", "559555555"]],
    ["666666666", ["666566666", "686666666"]],
    ["999999999", ["899999999", "993999999", "999959999"]],
    ["490067715", ["490067115", "490067719", "490867715"]],
  ])("finds %s ambiguous", (reading, candidates) => {
    expect(readArt(render(reading), true)).toEqual({ number: reading, status: "AMB", original: reading, candidates });
  });

  it("prints an AMB finding in the exact form", () => {
    expect(readNumber("888888888", true)).toBe("888888888 AMB ['888886888', '888888880', '888888988']");
    expect(readNumber("490067715", true)).toBe("490067715 AMB ['490067115', '490067719', '490867715']");
  });
});

describe("correction of unreadable cells", () => {
  it("adds a missing underscore: 0 without its top", () => {
    const art = withChar(render("000000051"), 0, 1, " ");
    expect(art[0]).toBe("    _  _  _  _  _  _  _    ");
    expect(findingLine(readArt(art))).toBe("?00000051 ILL");
    expect(readArt(art, true)).toEqual({ number: "000000051", status: "OK", corrected: true, original: "?00000051" });
  });

  it("removes an extra stroke: 1 with an underscore in its middle", () => {
    const art = withChar(render("123456789"), 1, 1, "_");
    expect(findingLine(readArt(art))).toBe("?23456789 ILL");
    expect(findingLine(readArt(art, true))).toBe("123456789 OK");
  });

  it("keeps ink at a corner correctable", () => {
    const art = withChar(render("345882865"), 0, 0, "|");
    expect(readArt(art, true)).toEqual({ number: "345882865", status: "OK", corrected: true, original: "?45882865" });
  });

  it("fixes the kata's 49086771? as 490867715", () => {
    const art = [
      "    _  _  _  _  _  _     _ ",
      "|_||_|| ||_||_   |  |  | _ ",
      "  | _||_||_||_|  |  |  | _|",
    ];
    expect(findingLine(readArt(art))).toBe("49086771? ILL");
    expect(findingLine(readArt(art, true))).toBe("490867715 OK");
  });

  it("leaves the spec's 49006771? ILL: no one-stroke fix is valid", () => {
    const art = [
      "    _  _  _  _  _  _     _ ",
      "|_||_|| || ||_   |  |  | _ ",
      "  | _||_||_||_|  |  |  | _|",
    ];
    expect(readArt(art, true)).toEqual({ number: "49006771?", status: "ILL" });
  });

  it("leaves two unreadable cells ILL", () => {
    const art = withChar(withChar(render("123456789"), 1, 1, "_"), 1, 4, " ");
    expect(readArt(art, true)).toEqual({ number: "??3456789", status: "ILL" });
  });
});

describe("what correction leaves alone", () => {
  it.each(["000000051", "345882865", "457508000", "123456789"])("never changes the valid %s", (number) => {
    expect(readArt(render(number), true)).toEqual({ number, status: "OK" });
  });

  it("keeps ERR when no one-stroke variant is valid", () => {
    expect(readArt(render("100007919"), true)).toEqual({ number: "100007919", status: "ERR" });
  });

  it("only corrects when asked", () => {
    expect(readArt(render("111111111"))).toEqual({ number: "111111111", status: "ERR" });
  });
});
