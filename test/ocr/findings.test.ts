import { describe, expect, it } from "vitest";
import { findingLine, type Finding } from "../../ocr/index.js";

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
