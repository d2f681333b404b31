// generador over real HTTP, on its image as faas-cli would build it (shrinkwrapped context).
import { get as httpGet, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generate, isValid } from "../../ocr/testing.js";
import type { RunningFunction } from "../../tools/run.js";
import { startDeployed } from "../support/functions.js";

let fn: RunningFunction;
beforeAll(async () => {
  fn = await startDeployed("generador");
});
afterAll(() => fn?.kill("SIGINT"));

interface Paquete {
  Id: string;
  Contenido: [string, string, string][];
  Key?: string[];
}
const get = (query = "", init?: RequestInit) => fetch(`${fn.url}/${query}`, init);
const error = async (res: Response) => [res.status, ((await res.json()) as { error: string }).error] as const;

describe("the packet contract", () => {
  test("GET answers an indented {Id, Contenido} packet of 1..500 readings of three 27-character lines", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const text = await res.text();
    const packet = JSON.parse(text) as Paquete;
    expect(Object.keys(packet)).toEqual(["Id", "Contenido"]);
    expect(packet.Id).toMatch(/^[0-9A-Za-z]{27}$/);
    expect(res.headers.get("x-paquete-id")).toBe(packet.Id);
    expect(packet.Contenido.length).toBeGreaterThanOrEqual(1);
    expect(packet.Contenido.length).toBeLessThanOrEqual(500);
    for (const lines of packet.Contenido) {
      expect(lines).toHaveLength(3);
      for (const line of lines) expect(line).toMatch(/^[ _|]{27}$/);
    }
    expect(text).toBe(`${JSON.stringify(packet, null, 2)}\n`);
  });

  test("compact=1 answers the same contract on one line", async () => {
    const text = await (await get("?count=2&compact=1")).text();
    expect(text.trimEnd()).not.toContain("\n");
    expect((JSON.parse(text) as Paquete).Contenido).toHaveLength(2);
  });

  test("count asks for an exact size; 0 is a 404 with a JSON message, as the original service", async () => {
    expect(((await (await get("?count=7")).json()) as Paquete).Contenido).toHaveLength(7);
    expect(await error(await get("?count=0"))).toEqual([404, "no paquete available: count=0 asks for an empty one"]);
  });

  test("the same seed and options give the same Contenido under a new Id", async () => {
    const [a, b] = await Promise.all([get("?seed=99&count=20&err=0.3"), get("?seed=99&count=20&err=0.3")].map(async (r) => (await r).json() as Promise<Paquete>));
    expect(a!.Contenido).toEqual(b!.Contenido);
    expect(a!.Id).not.toBe(b!.Id);
    const other = (await (await get("?seed=100&count=20&err=0.3")).json()) as Paquete;
    expect(other.Contenido).not.toEqual(a!.Contenido);
  });

  test("answers in flight at once are each their own seed's paquete, whoever reads first", async () => {
    // generador reuses the buffers of answers that have left (when is proven by its build-time
    // test and the template's onFinished tests): here clients that read nothing for a while
    // and others that come and go, with sizes that share buffers, all get what they asked for.
    const expected = (seed: number, count: number) => generate({ count, seed, errRate: 0.1, illRate: 0.1 }).entries;
    const slow = Array.from({ length: 6 }, (_, i) => {
      return new Promise<IncomingMessage>((resolve, reject) => httpGet(`${fn.url}/?seed=${1000 + i}&count=5000`, { agent: false }, resolve).on("error", reject));
    });
    const held = await Promise.all(slow);
    const quick = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => [i, (await (await get(`?seed=${i}&count=${1 + ((i * 37) % 500)}`)).json()) as Paquete] as const),
    );
    for (const [i, packet] of quick) expect(packet.Contenido, `seed ${i}`).toEqual(expected(i, 1 + ((i * 37) % 500)));
    for (const [i, res] of held.entries()) {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const packet = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Paquete;
      expect(packet.Contenido, `seed ${1000 + i}`).toEqual(expected(1000 + i, 5000));
    }
  });

  test("err=0&ill=0 gives only valid readings; the answer key lists one finding per reading", async () => {
    const packet = (await (await get("?count=50&err=0&ill=0&key=1")).json()) as Paquete;
    expect(packet.Key).toHaveLength(50);
    for (const line of packet.Key!) {
      const [number, status] = line.split(" ");
      expect(status).toBe("OK");
      expect(isValid(number!)).toBe(true);
    }
  });

  test("spoiled readings come at the rates asked for", async () => {
    const packet = (await (await get("?count=2000&seed=5&err=0.2&ill=0.3&key=1")).json()) as Paquete;
    const share = (status: string) => packet.Key!.filter((line) => line.endsWith(` ${status}`)).length / 2000;
    expect(share("ERR")).toBeGreaterThan(0.15);
    expect(share("ERR")).toBeLessThan(0.25);
    expect(share("ILL")).toBeGreaterThan(0.25);
    expect(share("ILL")).toBeLessThan(0.35);
  });

  test("format=text answers the scanner's file: 4 lines of 27 per entry, the 4th blank", async () => {
    const res = await get("?count=3&format=text");
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const lines = (await res.text()).split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(12);
    lines.forEach((line, i) => expect(line).toMatch(i % 4 === 3 ? /^ {27}$/ : /^[ _|]{27}$/));
  });
});

describe("mistakes", () => {
  test.each([
    ["?count=-1", /"count" must be a whole number from 0 to 100000, got "-1"/],
    ["?count=100001", /"count" must be a whole number from 0 to 100000/],
    ["?count=ten", /"count"/],
    ["?seed=-5", /"seed"/],
    ["?err=2", /"err" must be a rate from 0 to 1/],
    ["?ill=-0.1", /"ill" must be a rate/],
    ["?err=0.7&ill=0.7", /"err" and "ill" add up to 1.4/],
    ["?format=csv", /"format" must be json or text/],
    ["?key=1&format=text", /"key" needs format=json/],
    ["?cuenta=3", /unknown query parameter "cuenta"/],
    ["?count=1&count=2", /"count" is given 2 times/],
  ])("%s answers 400 naming the parameter", async (query, message) => {
    const [status, text] = await error(await get(query));
    expect(status).toBe(400);
    expect(text).toMatch(message);
  });

  test("POST answers 405 and says to GET", async () => {
    const res = await get("", { method: "POST", body: "x" });
    expect([res.status, res.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
  });
});
