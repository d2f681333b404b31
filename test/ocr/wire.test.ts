import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generate, jsonBytes, packetText, parsePacket, textBytes } from "../../ocr/testing.js";
import { generatedPackets, latin1, paqueteIds as ids } from "./support.js";

const packets = generatedPackets(30);

describe("jsonBytes", () => {
  it("writes what JSON.stringify writes, indented or compact, with or without the key, and a line end", () => {
    fc.assert(
      fc.property(packets, ids, fc.boolean(), fc.boolean(), (generated, id, indent, key) => {
        const { entries, key: lines } = generated;
        const paquete = key ? { Id: id, Contenido: entries, Key: lines } : { Id: id, Contenido: entries };
        const expected = indent ? JSON.stringify(paquete, null, 2) : JSON.stringify(paquete);
        expect(latin1(jsonBytes(generated, { id, indent, key }))).toBe(`${expected}\n`);
      }),
      { numRuns: 300 },
    );
  });

  it("gives what the reader reads back as the same paquete", () => {
    const generated = generate({ count: 1000, seed: 5, errRate: 0.1, illRate: 0.1 });
    const written = latin1(jsonBytes(generated, { id: "p-1", indent: true, key: false }));
    const packet = parsePacket(written);
    expect(packet.id).toBe("p-1");
    expect(packet.size).toBe(1000);
    expect(packet.statuses).toEqual(generated.statuses);
    expect(latin1(packet.lines)).toBe(generated.key.map((line) => `${line}\n`).join(""));
  });

  it("refuses an Id that the JSON form does not allow", () => {
    const generated = generate({ count: 1, seed: 1, errRate: 0, illRate: 0 });
    for (const id of ["", "a b", 'a"b', "x".repeat(65), "é"]) {
      expect(() => jsonBytes(generated, { id, indent: true, key: false })).toThrow(RangeError);
    }
  });
});

describe("textBytes", () => {
  it("writes the scanner's file as packetText does", () => {
    fc.assert(
      fc.property(packets, (generated) => {
        expect(latin1(textBytes(generated))).toBe(packetText(generated.entries));
      }),
      { numRuns: 200 },
    );
  });
});
