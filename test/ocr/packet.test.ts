import { describe, expect, it } from "vitest";
import { MAX_ENTRIES, PacketError, parseBody, parsePacket, readPacket, render } from "../../ocr/testing.js";
import { lines, textOf } from "./support.js";

const A = render("123456789");
const B = render("000000051");
const C = render("664371495");
const EXPECTED = ["123456789 OK", "000000051 OK", "664371495 ERR"];

/** The PacketError parsePacket throws for `input`. */
function packetError(input: unknown, maxEntries?: number): PacketError {
  try {
    parsePacket(input, maxEntries);
  } catch (error) {
    if (error instanceof PacketError) return error;
    throw error;
  }
  throw new Error("parsePacket did not throw");
}

describe("text form", () => {
  const text = textOf(A, B, C);

  it("reads LF text", () => {
    expect(lines(text)).toEqual(EXPECTED);
    expect(parsePacket(text)).toMatchObject({ size: 3 });
    expect(parsePacket(text).id).toBeUndefined();
  });

  it("reads CRLF and lone CR line ends", () => {
    expect(lines(text.replaceAll("\n", "\r\n"))).toEqual(EXPECTED);
    expect(lines(text.replaceAll("\n", "\r"))).toEqual(EXPECTED);
  });

  it("reads lines that lost their trailing spaces, blank lines included", () => {
    const trimmed = text.replace(/ +$/gm, "");
    expect(trimmed.split("\n")[3]).toBe("");
    expect(lines(trimmed)).toEqual(EXPECTED);
  });

  it("does not need the last blank line, nor the last line end", () => {
    const bare = `${[...A, ""].join("\n")}\n${[...B, ""].join("\n")}\n${C.join("\n")}`;
    expect(lines(bare)).toEqual(EXPECTED);
    expect(lines(`${bare}\n`)).toEqual(EXPECTED);
  });

  it("ignores whitespace-only lines at the very end", () => {
    expect(lines(`${text}\n   \n\t\n\r\n  `)).toEqual(EXPECTED);
  });

  it("accepts blank lines holding other whitespace", () => {
    expect(lines(`${A.join("\n")}\n \t \n${B.join("\n")}\n`)).toEqual(["123456789 OK", "000000051 OK"]);
  });

  it("skips a byte order mark", () => {
    expect(lines(`\uFEFF${text}`)).toEqual(EXPECTED);
  });

  it("rejects a 4th line that is not blank, naming it", () => {
    const error = packetError(`${A.join("\n")}\n${B.join("\n")}\n`);
    expect(error.message).toMatch(/^line 4: /);
    expect(error.message).toContain("each entry is 3 lines of art and a blank line");
    expect(packetError(`${textOf(A)}${A.join("\n")}\n${B.join("\n")}\n`).message).toMatch(/^line 8: .*starting at line 5/);
  });

  it("rejects a last entry of only 1 or 2 art lines, naming where it starts", () => {
    const one = packetError(`${textOf(A)}${B[0]}\n`);
    expect(one.message).toMatch(/^line 5: the last entry has only 1 art line;/);
    const two = packetError(`${textOf(A, C)}${B[0]}\n${B[1]}\n\n\n`);
    expect(two.message).toMatch(/^line 9: the last entry has only 2 art lines;/);
    expect(two.message).toContain("each entry is 3 lines of art and a blank line");
  });

  it("cuts lines at their line ends even when short lines line up like a regular entry", () => {
    // 12 + "\n" + 14 characters put a line end where a 27-character first line would end.
    const first = ["    _  _  _ ", "  | _| _||_|  ", render("123456789")[2]];
    const second = render("123456789").map((line) => line.trimEnd());
    const text = `${first.join("\n")}\n\n${second.join("\n")}\n`;
    expect(text.indexOf("\n", 13)).toBe(27);
    expect(text.indexOf("\n", 60)).toBe(83);
    expect(lines(text)).toEqual(lines({ Contenido: [first, second] }));
    expect(lines(text)).toEqual(["123?????? ILL", "123456789 OK"]);
  });

  it("counts the lines of CRLF text the same way", () => {
    expect(packetError(`${A.join("\r\n")}\r\n${B.join("\r\n")}\r\n`).message).toMatch(/^line 4: /);
  });
});

describe("JSON form", () => {
  const contenido = [A, B, C];

  it("reads a JSON string and an already parsed object alike", () => {
    const packet = { Id: "24vqPlCxsmuVv6OkMFUSspzJb7Y", Contenido: contenido };
    expect(lines(JSON.stringify(packet, null, 2))).toEqual(EXPECTED);
    expect(lines(packet)).toEqual(EXPECTED);
    expect(parsePacket(packet)).toMatchObject({ id: "24vqPlCxsmuVv6OkMFUSspzJb7Y", size: 3 });
    expect(parsePacket(`\n  ${JSON.stringify(packet)}`).id).toBe("24vqPlCxsmuVv6OkMFUSspzJb7Y");
  });

  it("has an optional Id and ignores unknown keys", () => {
    const packet = parsePacket({ Contenido: contenido, Key: ["x"], extra: 1 });
    expect(packet.id).toBeUndefined();
    expect(packet.size).toBe(3);
  });

  it("takes an empty Contenido as a packet of size 0", () => {
    const packet = parsePacket('{"Id": "empty", "Contenido": []}');
    expect(packet).toMatchObject({ id: "empty", size: 0 });
    expect(readPacket(packet)).toEqual([]);
  });

  it("accepts the Id characters that are safe in a header and a file name", () => {
    for (const id of ["a", "A-z_09", "x".repeat(64)]) expect(parsePacket({ Id: id, Contenido: [] }).id).toBe(id);
  });

  it.each([
    ["a number", 42, "got number"],
    ["null", null, "got null"],
    ["empty", "", 'got ""'],
    ["too long", "x".repeat(65), "got"],
    ["a path", "../etc/passwd", 'got "../etc/passwd"'],
    ["with a space", "a b", 'got "a b"'],
    ["with a line end", "a\r\nX-Evil: 1", "got"],
  ])("rejects an Id that is %s", (_what, id, got) => {
    const message = packetError({ Id: id, Contenido: [] }).message;
    expect(message).toMatch(/^Id must be a string of 1 to 64 letters, digits, "_" or "-"/);
    expect(message).toContain(got);
  });

  it("reports malformed JSON", () => {
    expect(packetError('{"Contenido": [').message).toMatch(/^malformed JSON body: /);
  });

  it("reads a body said to be JSON as JSON whatever it starts with, and a blank one as empty", () => {
    const refused = (text: string) => {
      try {
        parseBody(Buffer.from(text), { json: true });
      } catch (error) {
        if (error instanceof PacketError) return error.message;
        throw error;
      }
      return "read";
    };
    expect(refused("1e999999")).toMatch(/top level must be an object, got number$/);
    expect(refused(`${A.join("\n")}\n`)).toMatch(/^malformed JSON body: /);
    expect(refused("  \n")).toMatch(/^empty body: expected a paquete/);
    expect(refused("\u00a0\ufeff")).toMatch(/^empty body: expected a paquete/);
    expect(refused(JSON.stringify({ Contenido: [A] }))).toBe("read");
    // Not said to be JSON, art is the scanner's text.
    expect(readPacket(parseBody(Buffer.from(`${A.join("\n")}\n`))).map((f) => f.number)).toEqual(["123456789"]);
  });

  it.each([
    ["an array", "[1, 2]", "got array"],
    ["an array value", [[A]], "got array"],
    ["a number value", 42, "got number"],
    ["null", null, "got null"],
    ["undefined", undefined, "got undefined"],
    ["a boolean", true, "got boolean"],
    ["bytes", new Uint8Array([123, 125]), "got binary data"],
  ])("requires an object at the top level, not %s", (_what, input, got) => {
    const message = packetError(input).message;
    expect(message).toContain("top level must be an object");
    expect(message).toContain("Contenido");
    expect(message).toContain(got);
  });

  it("requires Contenido, as an own property", () => {
    expect(packetError({ Id: "x" }).message).toMatch(/^missing "Contenido"/);
    expect(packetError(Object.create({ Contenido: [A] }) as object).message).toMatch(/^missing "Contenido"/);
    expect(packetError(`{"__proto__": {"Contenido": ${JSON.stringify([A])}}}`).message).toMatch(/^missing "Contenido"/);
  });

  it("is not confused by __proto__ or constructor keys", () => {
    const text = `{"__proto__": {"Id": 5}, "constructor": {"Id": 6}, "Contenido": ${JSON.stringify(contenido)}}`;
    const packet = parsePacket(text);
    expect(packet.id).toBeUndefined();
    expect(lines(text)).toEqual(EXPECTED);
    expect(packetError(`{"__proto__": [], "Contenido": {"__proto__": []}}`).message).toBe(
      "Contenido must be an array of entries [line1, line2, line3], got object",
    );
  });

  it("requires Contenido to be an array", () => {
    expect(packetError({ Contenido: "x" }).message).toBe("Contenido must be an array of entries [line1, line2, line3], got string");
  });

  it("requires each entry to be an array of 3, naming it", () => {
    expect(packetError({ Contenido: [A, "x"] }).message).toBe(
      "Contenido[1] must be an array of 3 strings (the entry's art lines), got string",
    );
    expect(packetError({ Contenido: [A, B, [A[0], A[1]]] }).message).toBe(
      "Contenido[2] must be an array of 3 strings (the entry's art lines), got 2 items",
    );
    expect(packetError({ Contenido: [[...A, ""]] }).message).toContain("Contenido[0] must be an array of 3 strings");
  });

  it("requires each line to be a string, naming its path", () => {
    expect(packetError({ Contenido: [A, B, C, [A[0], 7, A[2]]] }).message).toBe("Contenido[3][1] must be a string, got number");
    expect(packetError({ Contenido: [[null, A[1], A[2]]] }).message).toBe("Contenido[0][0] must be a string, got null");
  });
});

describe("empty and oversized requests", () => {
  it.each(["", "   ", "\n\r\n\t \n"])("rejects the empty body %j, describing both forms", (body) => {
    const message = packetError(body).message;
    expect(message).toMatch(/^empty body: expected a paquete/);
    expect(message).toContain('"Contenido"');
    expect(message).toContain("blank line");
  });

  it("rejects more entries than the limit, naming both", () => {
    const text = textOf(A, B, C);
    expect(packetError(text, 2).message).toBe("too many entries: the paquete has 3, at most 2 are accepted");
    expect(packetError({ Contenido: [A, B, C] }, 2).message).toBe("too many entries: the paquete has 3, at most 2 are accepted");
    expect(parsePacket(text, 3).size).toBe(3);
    expect(parsePacket({ Contenido: [A, B, C] }, 3).size).toBe(3);
  });

  it("defaults the limit to MAX_ENTRIES", () => {
    expect(MAX_ENTRIES).toBe(100_000);
    const entry = `${A.join("\n")}\n\n`;
    const text = entry.repeat(MAX_ENTRIES);
    expect(parsePacket(text).size).toBe(MAX_ENTRIES);
    expect(packetError(text + entry).message).toBe(
      `too many entries: the paquete has ${MAX_ENTRIES + 1}, at most ${MAX_ENTRIES} are accepted`,
    );
  });

  it("is a PacketError, an Error", () => {
    const error = packetError("");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("PacketError");
  });
});
