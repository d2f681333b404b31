import { describe, expect, it } from "vitest";
import { DIGIT_NEIGHBOURS, LINE_WIDTH, PATTERNS, isValid, render } from "../../ocr/testing.js";
import { lines, readNumber, textOf } from "./support.js";

// The spec's table, rows joined.
const SPEC_PATTERNS = [
  " _ | ||_|",
  "     |  |",
  " _  _||_ ",
  " _  _| _|",
  "   |_|  |",
  " _ |_  _|",
  " _ |_ |_|",
  " _   |  |",
  " _ |_||_|",
  " _ |_| _|",
];

const ART_123456789 = [
  "    _  _     _  _  _  _  _ ",
  "  | _| _||_||_ |_   ||_||_|",
  "  ||_  _|  | _||_|  ||_| _|",
];

describe("digit art", () => {
  it("has the spec's ten patterns", () => {
    expect(PATTERNS).toEqual(SPEC_PATTERNS);
  });

  it.each(SPEC_PATTERNS.map((pattern, digit) => [digit, pattern] as const))("renders %i as its pattern nine times", (digit, pattern) => {
    const art = render(String(digit).repeat(9));
    expect(art).toEqual([pattern.slice(0, 3).repeat(9), pattern.slice(3, 6).repeat(9), pattern.slice(6, 9).repeat(9)]);
  });

  it("renders 123456789 as in the spec", () => {
    expect(render("123456789")).toEqual(ART_123456789);
    expect(lines(textOf(ART_123456789))).toEqual(["123456789 OK"]);
  });

  it("always renders 3 lines of 27 characters", () => {
    for (const line of render("908172635")) expect(line).toHaveLength(LINE_WIDTH);
  });

  it.each(["12345678", "1234567890", "12345678a", "１２３４５６７８９", " 23456789", ""])("rejects %j", (bad) => {
    expect(() => render(bad)).toThrow(RangeError);
  });
});

describe("the classic rows 000000000 … 999999999", () => {
  // n * (9 + 8 + … + 1) = 45n ≡ n (mod 11): only 000000000 has a valid checksum.
  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])("%i repeated reads with its status", (digit) => {
    const number = String(digit).repeat(9);
    expect(readNumber(number)).toBe(`${number} ${digit === 0 ? "OK" : "ERR"}`);
  });

  it("reads all ten rows in one text packet", () => {
    const entries = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => render(String(d).repeat(9)));
    expect(lines(textOf(...entries))).toEqual([
      "000000000 OK",
      "111111111 ERR",
      "222222222 ERR",
      "333333333 ERR",
      "444444444 ERR",
      "555555555 ERR",
      "666666666 ERR",
      "777777777 ERR",
      "888888888 ERR",
      "999999999 ERR",
    ]);
  });
});

describe("one-stroke neighbours", () => {
  it("are the spec's seven pairs, computed from the patterns", () => {
    const pairs = new Set<string>();
    DIGIT_NEIGHBOURS.forEach((near, digit) => {
      for (const other of near) pairs.add([digit, other].sort().join("↔"));
    });
    expect([...pairs].sort()).toEqual(["0↔8", "1↔7", "3↔9", "5↔6", "5↔9", "6↔8", "8↔9"]);
  });

  it("are symmetric", () => {
    DIGIT_NEIGHBOURS.forEach((near, digit) => {
      for (const other of near) expect(DIGIT_NEIGHBOURS[other]).toContain(digit);
    });
  });
});

describe("checksum", () => {
  it("accepts the spec's example 345882865", () => {
    expect(isValid("345882865")).toBe(true);
  });

  it.each(["457508000", "000000051", "123456789", "000000000", "779185064"])("accepts %s", (n) => {
    expect(isValid(n)).toBe(true);
  });

  it.each(["664371495", "123456784", "111111111", "345882866", "490067715"])("rejects %s", (n) => {
    expect(isValid(n)).toBe(false);
  });

  it("makes a computed 11 a check digit 0", () => {
    // 9*1 + 2*1 = 11: the check digit 11 - (11 mod 11) = 11 becomes 0.
    expect(isValid("100000010")).toBe(true);
    for (let d = 1; d <= 9; d++) expect(isValid(`10000001${d}`)).toBe(false);
  });

  it("has no valid number when the check digit would have to be 10", () => {
    // 9*1 + 2*7 = 23 ≡ 1 (mod 11): only a 10 would make it 0.
    for (let d = 0; d <= 9; d++) expect(isValid(`10000007${d}`)).toBe(false);
  });

  it.each(["12345678", "1234567890", "12345678?", "12345678 ", "-23456789", "1e8000000", "３45882865"])(
    "rejects %j, which is not 9 digits",
    (n) => {
      expect(isValid(n)).toBe(false);
    },
  );
});
