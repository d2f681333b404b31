import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generate, jsonBytes, packetText, parseJsonBytes, parsePacket, render, type Packet } from "../../ocr/testing.js";
import { generatedPackets, latin1, paqueteIds as ids } from "./support.js";

/** What the general path gives: JSON.parse, then the parsed value. */
const general = (text: string, maxEntries?: number) => parsePacket(JSON.parse(text) as unknown, maxEntries);
const same = (fast: Packet | undefined, text: string) => {
  expect(fast).toBeDefined();
  expect(fast).toEqual(general(text));
};

/** The fast reader on a text's UTF-8 bytes, as a body brings them. */
const fast = (text: string, maxEntries?: number) => parseJsonBytes(Buffer.from(text, "utf8"), maxEntries);

const packets = generatedPackets(40);
const space = fc.stringMatching(/^[ \t\r\n]{0,6}$/);

describe("parseJsonBytes", () => {
  it("reads generador's answers, indented or compact, as the general path does", () => {
    fc.assert(
      fc.property(packets, ids, fc.boolean(), (generated, id, indent) => {
        const bytes = jsonBytes(generated, { id, indent, key: false });
        same(parseJsonBytes(bytes), latin1(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it("reads any JSON whitespace between tokens, either key order, and no Id", () => {
    fc.assert(
      fc.property(packets, ids, fc.boolean(), fc.boolean(), fc.array(space, { minLength: 24, maxLength: 24 }), (generated, id, withId, idLast, ws) => {
        let k = 0;
        const w = () => ws[k++ % ws.length]!;
        const entries = generated.entries.map(([a, b, c]) => `${w()}[${w()}"${a}"${w()},${w()}"${b}"${w()},${w()}"${c}"${w()}]${w()}`);
        const contenido = `${w()}"Contenido"${w()}:${w()}[${w()}${entries.join(",")}${w()}]${w()}`;
        const members = withId ? [`${w()}"Id"${w()}:${w()}"${id}"${w()}`, contenido] : [contenido];
        const text = `${w()}{${(idLast ? members.reverse() : members).join(",")}}${w()}`;
        same(fast(text), text);
      }),
      { numRuns: 200 },
    );
  });

  it("leaves anything written otherwise to the general path", () => {
    const lines = render("457508000");
    const entry = JSON.stringify(lines);
    for (const text of [
      `{"Contenido":[${entry},${entry},${entry.replace("|", "I")}]}`, // a foreign character after entries framed alike
      `{"Contenido":[${entry},${entry},${entry.replace("[", "{")}]}`, // a frame alike but for one byte
      `{"Contenido":[${entry},${entry},${entry}],"Key":["457508000 OK"]}`, // another key
      `{"Contenido":[${entry}],"Contenido":[]}`, // a repeated key
      `{"Id":"a","Id":"b","Contenido":[]}`,
      `{"\\u0049d":"a","Contenido":[]}`, // an escape in a key
      `{"Id":"a\\u0062","Contenido":[]}`, // in the Id
      `{"Id":"aé","Contenido":[]}`, // an Id outside ASCII
      `{"Contenido":[["${lines[0].replace(" ", "\\u0020")}","${lines[1]}","${lines[2]}"]]}`, // in a line
      `{"Contenido":[["${lines[0].slice(1)}","${lines[1]}","${lines[2]}"]]}`, // a short line
      `{"Contenido":[["${lines[0].replace(" ", "x")}","${lines[1]}","${lines[2]}"]]}`, // a foreign character
      `{"Contenido":[["${lines[0].replace(" ", "é")}","${lines[1]}","${lines[2]}"]]}`, // not ASCII
      `\ufeff{"Contenido":[${entry}]}`, // a byte order mark
      `{"Contenido":[${entry}]`, // malformed: unclosed
      `{"Contenido":[${entry}]} x`, // something after it
      `{"Contenido":[${entry},]}`, // a trailing comma
      `[${entry}]`,
      packetText([lines]), // the text form
      "",
      `{"Id":"${"x".repeat(65)}","Contenido":[]}`,
      `{"Id":3,"Contenido":[]}`,
      `{"Id":"a"}`, // no Contenido
      "{}",
    ]) {
      expect(fast(text), text.slice(0, 80)).toBeUndefined();
    }
  });

  it("reads entries framed alike, then one framed otherwise", () => {
    const entry = JSON.stringify(render("457508000"));
    const other = JSON.stringify(render("664371495"), null, 1);
    const text = `{"Contenido":[${entry},${entry},${entry},${other},${entry},${entry}]}`;
    same(fast(text), text);
  });

  it("notices a change to any byte around the lines of an entry framed as the one before", () => {
    const generated = generate({ count: 4, seed: 3, errRate: 0, illRate: 0 });
    const compact = latin1(jsonBytes(generated, { id: "p", indent: false, key: false }));
    const indented = latin1(jsonBytes(generated, { id: "p", indent: true, key: false }));
    // Wider than the words the frame check reads in straight-line code: the rest in its loop.
    const wide = JSON.stringify(JSON.parse(indented), null, 4);
    for (const [form, text] of Object.entries({ compact, indented, wide })) {
      same(fast(text), text);
      // The third entry: from just after the second one's comma to just after its own.
      const from = text.indexOf("],", text.indexOf("],") + 2) + 2;
      const to = text.indexOf("],", from) + 2;
      for (let at = from; at < to; at++) {
        for (const byte of [" ", "\n", "x", ",", "]", "[", '"', "_", "|"]) {
          if (byte === text[at]) continue;
          const changed = text.slice(0, at) + byte + text.slice(at + 1);
          let valid = true;
          try {
            JSON.parse(changed);
          } catch {
            valid = false;
          }
          const read = fast(changed);
          const where = `${form}, byte ${at - from} of the entry set to ${JSON.stringify(byte)}`;
          if (!valid) expect(read, where).toBeUndefined();
          else if (read !== undefined) expect(read, where).toEqual(general(changed));
        }
      }
    }
  });

  it("reads long runs of space between entries, however long", () => {
    const entry = JSON.stringify(render("457508000"));
    const text = `{"Contenido":[${entry}${" ".repeat(3000)},${entry}${"\n".repeat(60_000)},${entry}]}`;
    same(fast(text), text);
    const wider = `{"Contenido":[${entry}${" ".repeat(70_000)},${entry}]}`;
    same(fast(wider), wider);
  });

  it("leaves a packet over the limit to the general path, which words the error", () => {
    const text = latin1(jsonBytes(generate({ count: 4, seed: 1, errRate: 0, illRate: 0 }), { id: "p", indent: false, key: false }));
    expect(fast(text, 4)).toEqual(general(text, 4));
    expect(fast(text, 3)).toBeUndefined();
  });

  it("reads a packet of many megabytes", () => {
    const generated = generate({ count: 20_000, seed: 9, errRate: 0.1, illRate: 0.1 });
    const text = latin1(jsonBytes(generated, { id: "big", indent: true, key: false }));
    expect(text.length).toBeGreaterThan(2_000_000);
    same(fast(text), text);
  });
});
