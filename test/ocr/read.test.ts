import { describe, expect, it } from "vitest";
import { findingLine, render } from "../../ocr/testing.js";
import { findings, lines, readArt, textOf, withChar } from "./support.js";

// The spec's cases, with their lines exactly as written there (some shorter than 27).
const CASE_000000051 = [
  " _  _  _  _  _  _  _  _    ",
  "| || || || || || || ||_   |",
  "|_||_||_||_||_||_||_| _|  |",
];
const CASE_49006771X = [
  "    _  _  _  _  _  _     _ ",
  "|_||_|| || ||_   |  |  | _ ",
  "  | _||_||_||_|  |  |  | _|",
];
const CASE_123456784 = [
  "    _  _     _  _  _  _   ",
  "  | _| _||_||_ |_   ||_||_|",
  "  ||_  _|  | _||_|  ||_|  |",
];

describe("the spec's cases", () => {
  it("keeps the short line of the third case as written", () => {
    expect(CASE_123456784[0]).toHaveLength(26);
  });

  it("reads each as the spec says, in text and JSON form", () => {
    const expected = ["000000051 OK", "49006771? ILL", "123456784 ERR"];
    const entries = [CASE_000000051, CASE_49006771X, CASE_123456784];
    expect(lines(textOf(...entries))).toEqual(expected);
    expect(lines({ Contenido: entries })).toEqual(expected);
  });

  it("reads the spec's JSON example entry", () => {
    const entry = [" _  _  _     _  _  _  _    ", "  |  ||_|  ||_||_ | ||_ |_|", "  |  | _|  ||_| _||_||_|  |"];
    expect(lines(JSON.stringify({ Id: "24vqPlCxsmuVv6OkMFUSspzJb7Y", Contenido: [entry] }))).toEqual(["779185064 OK"]);
  });

  it("reads the findings examples from their art", () => {
    const art = (n: string) => render(n);
    expect(lines({ Contenido: [art("457508000"), art("664371495")] })).toEqual(["457508000 OK", "664371495 ERR"]);
  });
});

describe("cells", () => {
  const zeros = render("000000000");

  it("reads a cell only when every character is the pattern's", () => {
    // The bottom "_" of the first 0 drawn as "|".
    expect(readArt(withChar(zeros, 2, 1, "|")).number).toBe("?00000000");
  });

  it.each([
    ["top-left", 0],
    ["top-right", 2],
  ])("makes a cell unreadable with ink at its %s corner", (_corner, column) => {
    const finding = readArt(withChar(zeros, 0, 3 + column, "|"));
    expect(finding).toEqual({ number: "0?0000000", status: "ILL" });
  });

  it("marks each unreadable cell", () => {
    // The left pipes of the middle rows of the 5 and the second 0 removed.
    const art = withChar(withChar(render("861105036"), 1, 15, " "), 1, 18, " ");
    expect(findingLine(readArt(art))).toBe("86110??36 ILL");
  });
});

describe("short and long lines", () => {
  it("pads short lines with spaces", () => {
    const art = render("123456789").map((line) => line.trimEnd());
    expect(art[0]).toHaveLength(26);
    expect(lines(textOf(art))).toEqual(["123456789 OK"]);
    expect(lines({ Contenido: [art] })).toEqual(["123456789 OK"]);
  });

  it("reads an empty first line as spaces (the top of 111111111)", () => {
    const [, middle, bottom] = render("111111111");
    expect(lines(`\n${middle}\n${bottom}\n\n`)).toEqual(["111111111 ERR"]);
    expect(lines(`\n${middle.trimEnd()}\n${bottom.trimEnd()}`)).toEqual(["111111111 ERR"]);
    expect(lines({ Contenido: [["", middle, bottom]] })).toEqual(["111111111 ERR"]);
  });

  it("accepts a line longer than 27 when the extra characters are spaces", () => {
    const art = render("457508000").map((line) => `${line}    `);
    expect(lines(textOf(art))).toEqual(["457508000 OK"]);
    expect(lines({ Contenido: [art] })).toEqual(["457508000 OK"]);
  });

  it("reports a longer line per entry, the other entries still read", () => {
    const [top, middle, bottom] = render("457508000");
    const long = [top, `${middle}   |`, bottom];
    expect(long[1]).toHaveLength(31);
    for (const input of [textOf(render("123456789"), long, render("000000051")), { Contenido: [render("123456789"), long, render("000000051")] }]) {
      expect(findings(input)).toEqual([
        { number: "123456789", status: "OK" },
        { number: "?????????", status: "ILL", reason: "line 2 is 31 characters long (at most 27)" },
        { number: "000000051", status: "OK" },
      ]);
    }
  });
});

describe("foreign characters", () => {
  it("reports the character, line and column; its cell reads ?, the others still read", () => {
    const art = withChar(render("457508000"), 0, 3, "x");
    const expected = [
      { number: "000000051", status: "OK" },
      { number: "4?7508000", status: "ILL", reason: "foreign character 'x' at line 1, column 4" },
      { number: "123456789", status: "OK" },
    ];
    expect(findings(textOf(render("000000051"), art, render("123456789")))).toEqual(expected);
    expect(findings({ Contenido: [render("000000051"), art, render("123456789")] })).toEqual(expected);
    expect(lines({ Contenido: [art] })).toEqual(["4?7508000 ILL"]);
  });

  it("names the first one, line by line, and marks every cell holding one", () => {
    const art = withChar(withChar(render("457508000"), 2, 26, "#"), 1, 0, "X");
    expect(readArt(art)).toEqual({
      number: "?5750800?",
      status: "ILL",
      reason: "foreign character 'X' at line 2, column 1",
    });
  });

  it.each([
    ["\t", "\\t"],
    ["é", "\\u00e9"],
    ["\u00a0", "\\u00a0"],
    ["\r", "\\r"],
  ])("escapes %j in the reason", (char, shown) => {
    const art = withChar(render("000000000"), 1, 4, char);
    expect(readArt(art).reason).toBe(`foreign character '${shown}' at line 2, column 5`);
  });

  it("reads a non-ASCII text the same way (no fast path)", () => {
    const art = withChar(render("457508000"), 2, 20, "ñ");
    expect(lines(textOf(render("123456789"), art, render("000000051")))).toEqual(["123456789 OK", "457508?00 ILL", "000000051 OK"]);
  });

  it("is never corrected", () => {
    // One stroke would fix the 4 (a "|" on the left of the top row is a foreign "!" here).
    const art = withChar(render("457508000"), 1, 0, "!");
    expect(readArt(art, true)).toEqual({ number: "?57508000", status: "ILL", reason: "foreign character '!' at line 2, column 1" });
  });
});
