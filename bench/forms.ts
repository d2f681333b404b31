// The JSON path against the text path: ocr/ reading generador's usual answer (indented JSON with
// its Id) and the same entries in the scanner's text form, each from its bytes as validador gets
// them, into validador's default answer (parseBody + findingsText, no HTTP), in entries per
// second. The same entries either way, so the JSON path should cost about what the text path
// costs: what it may cost more is reading the JSON around the lines. The two run in turn, a run
// of each at a time, within each round, as the decode core and its floor do. Over HTTP, each
// form's core and glue are in the glue rows (bench/parts.ts).
import { findingsText, generate, parseBody, textBytes } from "../ocr/testing.js";
import { written } from "./generate.js";
import { ratio, type Ratio } from "./results.js";
import type { Settings } from "./settings.js";
import { alternate, interleavedPerSecond, median, paired } from "./stats.js";

const answer = (bytes: Uint8Array, json: boolean): Uint8Array => findingsText(parseBody(bytes, { json }));

export async function measureForms(settings: Settings, log: (line: string) => void): Promise<Ratio[]> {
  const entries = settings.packetEntries;
  // generador's default rates of spoiled readings.
  const generated = generate({ count: entries, seed: 1, errRate: 0.1, illRate: 0.1 });
  const json = written(generated);
  const text = textBytes(generated);
  if (!Buffer.from(answer(json, true)).equals(answer(text, false))) throw new Error("forms: the JSON and text forms give different findings");

  const sides = {
    jsonAndText: (): readonly number[] =>
      interleavedPerSecond(() => answer(json, true).length, () => answer(text, false).length, 2 * settings.coreSliceMs).map((runs) => runs * entries),
  };
  log(`forms: ${entries}-entry paquete, JSON and text, warming up`);
  sides.jsonAndText();
  const rounds = await alternate(settings.coreRounds, sides, (round) => log(`forms: round ${round + 1}/${settings.coreRounds}`));
  const jsonRates = rounds.jsonAndText.map(([rate]) => rate!);
  const textRates = rounds.jsonAndText.map(([, rate]) => rate!);
  const unit = "entries/s";
  return [
    ratio({
      id: "decode.json",
      family: "decode",
      title: `decode a ${entries}-entry paquete: generador's JSON vs the same as text`,
      measured: { name: "JSON", value: median(jsonRates), unit },
      reference: { name: "text", value: median(textRates), unit },
      ...paired(jsonRates, textRates),
      // The JSON path within 1.25× the text path's time.
      target: { op: ">=", value: 0.8 },
    }),
  ];
}
