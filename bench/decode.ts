// Decode core: ocr/ reading a packet in text form, from the body's bytes as validador gets
// them, into its findings as validador answers them by default (parseBody + findingsText, no
// HTTP), in entries per second, against
// - the byte-pass floor: the same bytes, each read once by a plain loop. Whatever decoding
//   does on top of reading its input is what the ratio shows;
// - a per-character pass (charCodeAt over the packet's text): the plainest loop over a string,
//   for information;
// - the original service's algorithm: the kata's reader (ocr/kata/paquete.ts readPaquete: split
//   into lines, slice 3 characters from each of an entry's 3 lines, join, look the cell up among
//   the ten patterns) on the text, and its brute-force correction.
// The same for correction mode, on the same packet: 10% of its entries are ERR or ILL; and, for
// information, readPacket, which builds a Finding object per entry (validador's JSON answer).
import { findingLine, findingsText, generate, packetText, parseBody, readPacket } from "../ocr/testing.js";
import { readPaquete } from "../ocr/kata/paquete.js";
import { ratio, type Ratio } from "./results.js";
import type { Settings } from "./settings.js";
import { alternate, interleavedPerSecond, median, paired, runsPerSecond } from "./stats.js";

/** The byte-pass floor: every byte read once. */
export function bytePass(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum = (sum + bytes[i]!) | 0;
  return sum;
}

/** Every character code of the text read once. */
export function charPass(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum = (sum + text.charCodeAt(i)) | 0;
  return sum;
}

/** The original algorithm: the kata reading the packet into its findings. */
const originalRead = (text: string, correct = false) => readPaquete(text, { correct }).findings;

/** Throws unless ocr/ and the original algorithm (the kata) find the same, so that both do the same work. */
function checkSameFindings(text: string, bytes: Uint8Array, correct: boolean): void {
  const ours = readPacket(parseBody(bytes), { correct }).map((finding) => findingLine(finding));
  const original = originalRead(text, correct).map((finding) => findingLine(finding));
  const differs = ours.findIndex((line, i) => line !== original[i]);
  const asText = new TextDecoder().decode(findingsText(parseBody(bytes), { correct }));
  if (asText !== ours.map((line) => `${line}\n`).join("")) throw new Error(`decode: findingsText and readPacket disagree (correct=${correct})`);
  if (ours.length !== original.length || differs !== -1) {
    throw new Error(`decode: ocr/ and the original algorithm disagree (correct=${correct}) at entry ${differs}: ${ours[differs]} / ${original[differs]}`);
  }
}

export async function measureDecode(settings: Settings, log: (line: string) => void): Promise<Ratio[]> {
  const entries = settings.decodeEntries;
  // 5% checksum errors and 5% scan errors: the 10% of entries that correction has to work on.
  const text = packetText(generate({ count: entries, seed: 20261122, errRate: 0.05, illRate: 0.05 }).entries);
  const bytes = new TextEncoder().encode(text);
  checkSameFindings(text, bytes, false);
  checkSameFindings(text, bytes, true);

  const slice = settings.coreSliceMs;
  const rate = (fn: () => number) => (): readonly number[] => [runsPerSecond(fn, slice) * entries];
  const sides = {
    // The target row's two sides run in turn, a run of each at a time, for a slice each.
    decodeAndFloor: (): readonly number[] =>
      interleavedPerSecond(() => findingsText(parseBody(bytes)).length, () => bytePass(bytes), 2 * slice).map((runs) => runs * entries),
    objects: rate(() => readPacket(parseBody(bytes)).length),
    correct: rate(() => findingsText(parseBody(bytes), { correct: true }).length),
    charPass: rate(() => charPass(text)),
    original: rate(() => originalRead(text).length),
    originalCorrect: rate(() => originalRead(text, true).length),
  };
  log(`decode: ${entries} entries (${(text.length / 2 ** 20).toFixed(1)} MB of text), warming up`);
  for (const side of Object.values(sides)) side();
  const rounds = await alternate(settings.coreRounds, sides, (round) => log(`decode: round ${round + 1}/${settings.coreRounds}`));
  const only = (name: Exclude<keyof typeof sides, "decodeAndFloor">) => rounds[name].map(([rate]) => rate!);
  const s = {
    decode: rounds.decodeAndFloor.map(([decode]) => decode!),
    bytePass: rounds.decodeAndFloor.map(([, floor]) => floor!),
    objects: only("objects"),
    correct: only("correct"),
    charPass: only("charPass"),
    original: only("original"),
    originalCorrect: only("originalCorrect"),
  };

  const unit = "entries/s";
  const decode = { name: "ocr/", value: median(s.decode), unit };
  const correct = { name: "ocr/ correcting", value: median(s.correct), unit };
  const floor = { name: "byte pass", value: median(s.bytePass), unit };
  return [
    ratio({
      id: "decode.floor",
      family: "decode",
      title: `decode ${entries} entries (text) vs byte-pass floor`,
      measured: decode,
      reference: floor,
      ...paired(s.decode, s.bytePass),
      target: { op: ">=", value: 0.75 },
    }),
    ratio({
      id: "decode.original",
      family: "decode",
      title: `decode ${entries} entries (text) vs original algorithm`,
      measured: decode,
      reference: { name: "original", value: median(s.original), unit },
      ...paired(s.decode, s.original),
      target: { op: ">=", value: 7 },
    }),
    ratio({
      id: "decode.objects",
      family: "decode",
      title: `read ${entries} entries (text) into Finding objects vs byte-pass floor`,
      measured: { name: "ocr/ readPacket", value: median(s.objects), unit },
      reference: floor,
      ...paired(s.objects, s.bytePass),
    }),
    ratio({
      id: "decode.charPass",
      family: "decode",
      title: `decode ${entries} entries (text) vs per-character pass`,
      measured: decode,
      reference: { name: "charCodeAt pass", value: median(s.charPass), unit },
      ...paired(s.decode, s.charPass),
    }),
    ratio({
      id: "correct.floor",
      family: "decode",
      title: `correct ${entries} entries (10% to mend) vs byte-pass floor`,
      measured: correct,
      reference: floor,
      ...paired(s.correct, s.bytePass),
    }),
    ratio({
      id: "correct.original",
      family: "decode",
      title: `correct ${entries} entries (10% to mend) vs original + brute force`,
      measured: correct,
      reference: { name: "original", value: median(s.originalCorrect), unit },
      ...paired(s.correct, s.originalCorrect),
    }),
  ];
}
