// validador over real HTTP, on its image as faas-cli would build it, fed by generador's
// packets the way users pipe them: curl .../generador | faas-cli invoke validador.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generate, packetText, render } from "../../ocr/testing.js";
import type { RunningFunction } from "../../tools/run.js";
import { startDeployed } from "../support/functions.js";

let validador: RunningFunction;
let generador: RunningFunction;
beforeAll(async () => {
  // Started with stack.yml's environment, as deployed (validador's MAX_BODY_SIZE among it).
  [validador, generador] = await Promise.all([startDeployed("validador"), startDeployed("generador")]);
});
afterAll(() => {
  validador?.kill("SIGINT");
  generador?.kill("SIGINT");
});

const post = (body: string | Uint8Array, headers: Record<string, string> = {}, query = "") =>
  fetch(`${validador.url}/${query}`, { method: "POST", body, headers });
const ID = "2Uo5aT1Kx0dRk1bWbHjEjb3mBQa";
const packet = (...numbers: string[]) => ({ Id: ID, Contenido: numbers.map((n) => render(n)) });

describe("reading packets", () => {
  test("generador's JSON packet, sent as faas-cli invoke sends it (text/plain), reads exactly as its answer key", async () => {
    const generated = await (await fetch(`${generador.url}/?count=300&key=1&err=0.2&ill=0.2`)).text();
    const { Id, Key } = JSON.parse(generated) as { Id: string; Key: string[] };
    const res = await post(generated, { "content-type": "text/plain" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("x-paquete-id")).toBe(Id);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="paraeljefe-${Id}.txt"`);
    expect(await res.text()).toBe(Key.map((line) => `${line}\n`).join(""));
  });

  test("a JSON paquete reads the same whether written the usual way or not (another key, escapes, spacing)", async () => {
    const usual = await (await fetch(`${generador.url}/?count=200&seed=5&err=0.2&ill=0.2`)).text();
    const { Id, Contenido } = JSON.parse(usual) as { Id: string; Contenido: string[][] };
    const expected = await (await post(usual, { "content-type": "application/json" })).text();
    expect(expected.split("\n")).toHaveLength(201);
    const otherwise = [
      JSON.stringify({ Note: "from a client of our own", Id, Contenido }),
      JSON.stringify({ Id, Contenido }).replaceAll(" ", "\\u0020"),
      JSON.stringify({ Contenido, Id }, null, "\t"),
    ];
    for (const body of otherwise) {
      expect(JSON.parse(body)).toMatchObject({ Id, Contenido });
      const res = await post(body, { "content-type": "application/json" });
      expect([res.status, res.headers.get("x-paquete-id"), await res.text()]).toEqual([200, Id, expected]);
    }
  });

  test("the scanner's text file reads the same, as text/plain, curl -d's form type or no type at all", async () => {
    const numbers = ["457508000", "664371495", "000000051"];
    const text = packetText(numbers.map((n) => render(n)));
    const expected = "457508000 OK\n664371495 ERR\n000000051 OK\n";
    expect(await (await post(text, { "content-type": "text/plain" })).text()).toBe(expected);
    expect(await (await post(text, { "content-type": "application/x-www-form-urlencoded" })).text()).toBe(expected);
    expect(await (await post(new TextEncoder().encode(text))).text()).toBe(expected);
    expect(await (await post(JSON.stringify(packet(...numbers)), { "content-type": "application/json" })).text()).toBe(expected);
  });

  test("CRLF line ends, trimmed trailing spaces and a missing final blank line are fine", async () => {
    const trimmed = packetText([render("111111111"), render("490067715")])
      .split("\n")
      .map((line) => line.trimEnd())
      .join("\r\n")
      .trimEnd();
    expect(await (await post(trimmed, { "content-type": "text/plain" })).text()).toBe("111111111 ERR\n490067715 ERR\n");
  });

  test("an unreadable cell reads ?, its entry ILL", async () => {
    const [top, middle, bottom] = render("861101136");
    const spoiled = [top, `${middle.slice(0, 15)}|${middle.slice(16)}`, bottom];
    const text = await (await post(JSON.stringify({ Contenido: [spoiled] }), { "content-type": "application/json" })).text();
    expect(text).toMatch(/^86110\?136 ILL\n$/);
  });
});

describe("options", () => {
  test("correct=1 fixes what one pipe or underscore fixes and lists the candidates when several do", async () => {
    const res = await post(JSON.stringify(packet("111111111", "490067715", "457508000")), { "content-type": "application/json" }, "?correct=1");
    expect(await res.text()).toBe(
      "711111111 OK\n490067715 AMB ['490067115', '490067719', '490867715']\n457508000 OK\n",
    );
  });

  test("classic=1 prints valid numbers alone, as the classic exercise", async () => {
    const res = await post(JSON.stringify(packet("457508000", "664371495")), { "content-type": "application/json" }, "?classic=1");
    expect(await res.text()).toBe("457508000\n664371495 ERR\n");
  });

  test("Accept: application/json answers the Id, each entry (with corrections) and a summary", async () => {
    const res = await post(JSON.stringify(packet("111111111", "490067715", "457508000")), { "content-type": "application/json", accept: "application/json" }, "?correct=1");
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual({
      Id: ID,
      entries: [
        { number: "711111111", status: "OK", corrected: true, original: "111111111" },
        { number: "490067715", status: "AMB", original: "490067715", candidates: ["490067115", "490067719", "490867715"] },
        { number: "457508000", status: "OK" },
      ],
      summary: { OK: 2, ERR: 0, ILL: 0, AMB: 1 },
    });
  });
});

describe("per-entry problems are reported in place", () => {
  test("a long line or a foreign character makes that entry ILL with a reason; its neighbours still read", async () => {
    const [top, middle, bottom] = render("123456789");
    const body = {
      Contenido: [render("457508000"), [top, `${middle}  |`, bottom], [top, middle.replace("|", "x"), bottom], render("664371495")],
    };
    const res = await post(JSON.stringify(body), { "content-type": "application/json", accept: "application/json" });
    const { entries } = (await res.json()) as { entries: { number: string; status: string; reason?: string }[] };
    expect(entries.map((e) => `${e.number} ${e.status}`)).toEqual(["457508000 OK", "????????? ILL", "?23456789 ILL", "664371495 ERR"]);
    expect(entries[1]!.reason).toMatch(/line 2 is 30 characters long/);
    expect(entries[2]!.reason).toMatch(/foreign character 'x' at line 2, column 3/);
  });
});

describe("whole-request mistakes answer 400 saying what was expected", () => {
  test.each([
    ["", "text/plain", /empty body/],
    ["  \n \n", "text/plain", /empty body/],
    ['{"Contenido": [["a","b","c"], ["a", 2, "c"]]}', "application/json", /Contenido\[1\]\[1\] must be a string/],
    ['{"Contenido": [["a","b"]]}', "application/json", /Contenido\[0\]/],
    ['{"Id": "x\\r\\nSet-Cookie: a=b", "Contenido": []}', "application/json", /Id/],
    ["[1,2,3]", "application/json", /object/],
    [`${" ".repeat(27)}\n${"|".repeat(27)}\n${"_".repeat(27)}\nnot blank\n`, "text/plain", /line 4/],
    [`${" ".repeat(27)}\n${"|".repeat(27)}\n`, "text/plain", /line 1/],
  ])("%j (%s)", async (body, type, message) => {
    const res = await post(body, { "content-type": type });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  test("bytes that are not UTF-8 answer 400", async () => {
    const res = await post(new Uint8Array([0xc3, 0x28, 0xff]), { "content-type": "application/octet-stream" });
    expect([res.status, await res.json()]).toEqual([400, { error: "the body is not valid UTF-8 text" }]);
  });

  test("a text client gets its error as text", async () => {
    const res = await post("", { "content-type": "text/plain", accept: "text/plain" });
    expect([res.status, res.headers.get("content-type")]).toEqual([400, "text/plain; charset=utf-8"]);
    expect(await res.text()).toMatch(/^empty body/);
  });

  test("GET answers 405", async () => {
    const res = await fetch(validador.url);
    expect([res.status, res.headers.get("allow")]).toEqual([405, "POST"]);
  });
});

describe("the usual ways a paquete gets mangled are named, with the fix to try (real curl)", () => {
  // curl is what users reach for; its -d and -F are the two usual mistakes.
  const curl = (...args: string[]) =>
    new Promise<{ status: number; body: string }>((done, fail) => {
      execFile("curl", ["-sS", "-w", "\n%{http_code}", ...args, validador.url], (error, stdout) => {
        if (error) return fail(error);
        const at = stdout.lastIndexOf("\n");
        done({ status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) });
      });
    });
  let dir: string;
  beforeAll(() => {
    mkdirSync("build", { recursive: true });
    dir = mkdtempSync(join("build", "mistakes-"));
    writeFileSync(join(dir, "paquete.txt"), packetText(["457508000", "664371495"].map((n) => render(n))));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("curl -d @file (its line ends dropped) is told to send the file with --data-binary, which reads it", async () => {
    const mangled = await curl("-d", `@${join(dir, "paquete.txt")}`);
    expect(mangled.status).toBe(400);
    expect((JSON.parse(mangled.body) as { error: string }).error).toMatch(/^line 1: the paquete's text is all on one line \(\d+ characters\): its line ends were lost on the way, as curl -d @file drops them; send the file itself as the body: curl --data-binary @paquete.txt/);
    const fixed = await curl("--data-binary", `@${join(dir, "paquete.txt")}`);
    expect(fixed).toEqual({ status: 200, body: "457508000 OK\n664371495 ERR\n" });
  });

  test("a form upload (curl -F) answers 415 naming it, as text to a text client", async () => {
    const form = await curl("-F", `file=@${join(dir, "paquete.txt")}`, "-H", "Accept: text/plain");
    expect(form.status).toBe(415);
    expect(form.body).toMatch(/^the body is a form upload \(multipart\/form-data, as curl -F sends\), not a paquete: send the file itself as the body/);
  });
});

describe("generador's packets, whatever their options, read as their answer key says", () => {
  test("over HTTP, for random seeds, sizes and spoil rates; correction never changes an OK entry", async () => {
    const options = fc.record({
      seed: fc.nat(),
      count: fc.integer({ min: 1, max: 200 }),
      err: fc.double({ min: 0, max: 0.5, noNaN: true }),
      ill: fc.double({ min: 0, max: 0.5, noNaN: true }),
      format: fc.constantFrom("json", "text"),
    });
    await fc.assert(
      fc.asyncProperty(options, async ({ seed, count, err, ill, format }) => {
        const query = `?seed=${seed}&count=${count}&err=${err.toFixed(3)}&ill=${ill.toFixed(3)}`;
        const { Key } = (await (await fetch(`${generador.url}/${query}&key=1`)).json()) as { Key: string[] };
        const body = await (await fetch(`${generador.url}/${query}&format=${format}`)).text();
        const findings = await (await post(body, { "content-type": "text/plain" })).text();
        expect(findings).toBe(Key.map((line) => `${line}\n`).join(""));
        const corrected = (await (await post(body, { "content-type": "text/plain" }, "?correct=1")).text()).split("\n");
        Key.forEach((line, i) => {
          if (line.endsWith(" OK")) expect(corrected[i]).toBe(line);
        });
      }),
      { numRuns: 25 },
    );
  });
});

describe("large packets", () => {
  test("100 000 entries, the most a packet may hold, are read; one more answers 400 naming the limit", async () => {
    const { entries, key } = generate({ count: 100_001, seed: 11, errRate: 0.1, illRate: 0.1 });
    const full = await post(packetText(entries.slice(0, 100_000)), { "content-type": "text/plain" });
    expect(full.status).toBe(200);
    const lines = (await full.text()).split("\n");
    expect(lines).toHaveLength(100_001);
    expect(lines.slice(0, 100_000)).toEqual(key.slice(0, 100_000));
    const over = await post(packetText(entries), { "content-type": "text/plain" });
    expect([over.status, await over.json()]).toEqual([400, { error: "too many entries: the paquete has 100001, at most 100000 are accepted" }]);
  });

  test("generador draws the full 100 000 and validador reads its JSON", async () => {
    const packet = await (await fetch(`${generador.url}/?count=100000&compact=1&key=1`)).text();
    const { Key } = JSON.parse(packet) as { Key: string[] };
    const res = await post(packet, { "content-type": "application/json" });
    expect((await res.text()).trimEnd().split("\n")).toEqual(Key);
  });
});
