// The handler API's runtime helpers (template/node24-ts/api), called directly.
import { describe, expect, test } from "vitest";
import { HttpError, flag, quote, readQuery } from "@node-ts/api";

function status400(run: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(HttpError);
  expect((thrown as HttpError).status).toBe(400);
  expect((thrown as HttpError).message).toMatch(message);
}

describe("HttpError", () => {
  test("carries a 4xx/5xx status and its message", () => {
    const error = new HttpError(422, "count must be a number", { cause: "x" });
    expect([error.status, error.message, error.name, error.cause]).toEqual([422, "count must be a number", "HttpError", "x"]);
    expect(error).toBeInstanceOf(Error);
  });

  test.each([200, 399, 600, 4.5])("refuses status %s", (status) => {
    expect(() => new HttpError(status, "x")).toThrow(RangeError);
  });
});

describe("readQuery", () => {
  test("gives each known parameter once", () => {
    expect(readQuery(Object.assign(Object.create(null), { count: "3", key: "" }), ["count", "key", "seed"])).toEqual({ count: "3", key: "" });
  });

  test("refuses unknown and repeated parameters, naming them", () => {
    status400(() => readQuery({ size: "3" }, ["count", "seed"]), /unknown query parameter "size"; this function takes: count, seed/);
    status400(() => readQuery(JSON.parse('{"__proto__": "1"}'), ["count"]), /unknown query parameter "__proto__"/);
    status400(() => readQuery({ count: ["1", "2"] }, ["count"]), /"count" is given 2 times/);
  });
});

describe("flag", () => {
  test.each([
    [undefined, false],
    ["", true],
    ["1", true],
    ["true", true],
    ["yes", true],
    ["0", false],
    ["false", false],
    ["no", false],
  ])("%j → %s", (value, expected) => {
    expect(flag(value, "correct")).toBe(expected);
  });

  test("refuses anything else, naming the parameter and the value", () => {
    status400(() => flag("perhaps", "correct"), /query parameter "correct" must be true or false \(or 1\/0, yes\/no\), got "perhaps"/);
  });
});

describe("quote", () => {
  test("quotes a value as a JSON string, control characters escaped", () => {
    expect(quote("perhaps")).toBe('"perhaps"');
    expect(quote("a\r\nSet-Cookie: b")).toBe('"a\\r\\nSet-Cookie: b"');
  });

  test("cuts a long value after 40 characters and says how long it was", () => {
    expect(quote("9".repeat(16_000))).toBe(`"${"9".repeat(40)}"... (16000 characters)`);
    status400(() => flag("1".repeat(5000), "correct"), /got "1{40}"\.\.\. \(5000 characters\)$/);
    status400(() => readQuery({ ["x".repeat(300)]: "1" }, ["count"]), /^unknown query parameter "x{40}"\.\.\. \(300 characters\)/);
  });
});
