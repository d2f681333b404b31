// Nothing lost: for every accepted packet, validador reports exactly one finding per entry, in
// input order, and a malformed entry is reported in its place, never dropped. Packets mix good
// entries with broken ones of every kind, in both forms, over real HTTP. The expected findings
// are worked out here from the spec, not by the ocr module.
import fc from "fast-check";
import { Agent } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RunningFunction } from "../../tools/run.js";
import { startDeployed } from "../support/functions.js";
import { send } from "../support/http.js";

const RUNS = 200;

/** The digits' cells from the spec, row by row (3 x 3 characters). */
const CELLS = [" _ | ||_|", "     |  |", " _  _||_ ", " _  _| _|", "   |_|  |", " _ |_  _|", " _ |_ |_|", " _   |  |", " _ |_||_|", " _ |_| _|"];
/** Cells of the three legal characters that are no digit: they read "?" with no reason. */
const NOT_DIGITS = ["         ", "|||||||||", "_________", " _ | |   ", "   |_|   ", " _  _  _ "];
const FOREIGN = ["x", "#", "0", "\u00e9", "*", "\t"];

function draw(cells: readonly string[]): string[] {
  return [0, 1, 2].map((row) => cells.map((cell) => cell.slice(3 * row, 3 * row + 3)).join(""));
}

/** The checksum from the spec: (1*d1 + 2*d2 + ... + 9*d9) mod 11 == 0, d9 leftmost. */
function valid(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (9 - i) * Number(number[i]);
  return sum % 11 === 0;
}

interface Entry {
  readonly lines: readonly string[];
  /** The finding line validador must report (without correction). */
  readonly line: string;
  /** Whether the finding carries a reason (a malformed entry). */
  readonly malformed: boolean;
  /** Whether the entry may be shown in the text form (a blank entry at the very end is trailing whitespace there). */
  readonly inText: boolean;
}

const number = fc.stringMatching(/^\d{9}$/);
const cellsOf = (n: string) => [...n].map((d) => CELLS[Number(d)]!);
const found = (n: string) => `${n} ${valid(n) ? "OK" : "ERR"}`;

const good = number.map((n): Entry => ({ lines: draw(cellsOf(n)), line: found(n), malformed: false, inText: true }));
/** Trailing spaces lost, as in hand-edited files: read as if padded. */
const trimmed = number.map((n): Entry => ({ lines: draw(cellsOf(n)).map((l) => l.trimEnd()), line: found(n), malformed: false, inText: true }));
/** A line longer than 27 with something past column 27: the whole entry is unreadable. */
const tooLong = fc.tuple(number, fc.nat({ max: 2 }), fc.integer({ min: 1, max: 40 })).map(([n, row, extra]): Entry => {
  const lines = draw(cellsOf(n));
  lines[row] = `${lines[row]}${" ".repeat(extra - 1)}|`;
  return { lines, line: "????????? ILL", malformed: true, inText: true };
});
/** A foreign character in one cell: that cell reads "?". */
const foreign = fc.tuple(number, fc.nat({ max: 2 }), fc.nat({ max: 26 }), fc.constantFrom(...FOREIGN)).map(([n, row, column, char]): Entry => {
  const lines = draw(cellsOf(n));
  lines[row] = lines[row]!.slice(0, column) + char + lines[row]!.slice(column + 1);
  const digit = Math.floor(column / 3);
  return { lines, line: `${n.slice(0, digit)}?${n.slice(digit + 1)} ILL`, malformed: true, inText: true };
});
/** A cell of legal characters that is no digit: "?", ILL, no reason. */
const unreadable = fc.tuple(number, fc.nat({ max: 8 }), fc.constantFrom(...NOT_DIGITS)).map(([n, digit, cell]): Entry => {
  const cells = cellsOf(n);
  cells[digit] = cell;
  return { lines: draw(cells), line: `${n.slice(0, digit)}?${n.slice(digit + 1)} ILL`, malformed: false, inText: true };
});
const blank = fc.constant<Entry>({ lines: ["", "", ""], line: "????????? ILL", malformed: false, inText: false });

const entries = fc.array(fc.oneof(good, trimmed, tooLong, foreign, unreadable, blank), { minLength: 1, maxLength: 30 });

function textForm(list: readonly Entry[], end: string): string {
  return list.map((entry) => [...entry.lines, " ".repeat(27)].map((line) => line + end).join("")).join("");
}

let validador: RunningFunction;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
beforeAll(async () => {
  validador = await startDeployed("validador");
});
afterAll(() => {
  agent.destroy();
  validador?.kill("SIGINT");
});

const post = (body: string, type: string, query = "", accept = "text/plain") =>
  send(validador.url, { method: "POST", path: `/${query}`, body, headers: { "content-type": type, accept } }, agent);

interface JsonFinding {
  readonly number: string;
  readonly status: string;
  readonly reason?: string;
}

describe("one finding per entry, in order, malformed entries in their place", () => {
  test(`JSON form: ${RUNS} packets mixing good and broken entries`, async () => {
    await fc.assert(
      fc.asyncProperty(entries, async (list) => {
        const body = JSON.stringify({ Id: "mixed-packet", Contenido: list.map((entry) => entry.lines) });
        const answer = await post(body, "application/json");
        expect(answer.status).toBe(200);
        expect(answer.body).toBe(list.map((entry) => `${entry.line}\n`).join(""));
      }),
      { numRuns: RUNS },
    );
  });

  test(`text form, LF, CRLF or CR line ends: ${RUNS} packets`, async () => {
    const textEntries = entries.map((list) => list.filter((entry) => entry.inText)).filter((list) => list.length > 0);
    await fc.assert(
      fc.asyncProperty(textEntries, fc.constantFrom("\n", "\r\n", "\r"), async (list, end) => {
        const answer = await post(textForm(list, end), "text/plain");
        expect(answer.status).toBe(200);
        expect(answer.body).toBe(list.map((entry) => `${entry.line}\n`).join(""));
      }),
      { numRuns: RUNS },
    );
  });

  test(`as JSON findings: the same entries, a reason exactly where an entry is malformed, counts that add up (${RUNS} packets)`, async () => {
    await fc.assert(
      fc.asyncProperty(entries, async (list) => {
        const answer = await post(JSON.stringify({ Contenido: list.map((entry) => entry.lines) }), "application/json", "", "application/json");
        const result = JSON.parse(answer.body) as { entries: JsonFinding[]; summary: Record<string, number> };
        expect(result.entries.map((finding) => `${finding.number} ${finding.status}`)).toEqual(list.map((entry) => entry.line));
        expect(result.entries.map((finding) => finding.reason !== undefined)).toEqual(list.map((entry) => entry.malformed));
        expect(Object.values(result.summary).reduce((a, b) => a + b, 0)).toBe(list.length);
      }),
      { numRuns: RUNS },
    );
  });

  test(`with correct=1 and classic=1: still one line per entry; good and malformed entries untouched (${RUNS} packets)`, async () => {
    await fc.assert(
      fc.asyncProperty(entries, async (list) => {
        const body = JSON.stringify({ Contenido: list.map((entry) => entry.lines) });
        const corrected = (await post(body, "application/json", "?correct=1")).body.split("\n");
        expect(corrected.pop()).toBe("");
        expect(corrected).toHaveLength(list.length);
        list.forEach((entry, i) => {
          // Valid entries are never corrected; malformed ones cannot be.
          if (entry.malformed || entry.line.endsWith(" OK")) expect(corrected[i]).toBe(entry.line);
          else expect(corrected[i]).toMatch(/^(\d{9} OK|[\d?]{9} (ERR|ILL|AMB \['\d{9}'(, '\d{9}')+\]))$/);
        });
        const classic = (await post(body, "application/json", "?classic=1")).body;
        expect(classic).toBe(list.map((entry) => `${entry.line.replace(/ OK$/, "")}\n`).join(""));
      }),
      { numRuns: RUNS },
    );
  });
});
