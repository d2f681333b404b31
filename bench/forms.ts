// The JSON path against the text path: ocr/ reading generador's usual answer (indented JSON with
// its Id) and the same entries in the scanner's text form into validador's default answer
// (parseBody + findingsText). The same entries either way, so the JSON path should cost about
// what the text path costs: what it may cost more is reading the JSON around the lines.
// Measured twice:
// - in process (decode.json), from the bytes, in entries per second, the two run in turn, a run
//   of each at a time, within each round, as the decode core and its floor do;
// - in a server under load (http.forms), as validador meets the two: the core function takes
//   both forms in turn on each connection and times each request's core call, so both are
//   timed in the same process, with the same caches and heap, request by request. Per-request
//   CPU read from outside cannot tell them apart as finely: two servers, or two runs, differ by
//   more than the difference looked for. Each form's CPU per request, core and glue, is in the
//   glue rows (bench/parts.ts).
import { findingsText, generate, parseBody, textBytes } from "../ocr/testing.js";
import { start, stop, type Functions } from "./functions.js";
import { written } from "./generate.js";
import { fetchText, load, type Call } from "./load.js";
import { pinned } from "./pinned.js";
import { ratio, type Ratio } from "./results.js";
import type { Settings } from "./settings.js";
import { alternate, interleavedPerSecond, median, paired } from "./stats.js";

const answer = (bytes: Uint8Array, json: boolean): Uint8Array => findingsText(parseBody(bytes, { json }));
/** The entries of generador's usual answer: its default rates of spoiled readings. */
const usualEntries = (count: number) => generate({ count, seed: 1, errRate: 0.1, illRate: 0.1 });

export async function measureForms(settings: Settings, log: (line: string) => void): Promise<Ratio[]> {
  const entries = settings.packetEntries;
  const generated = usualEntries(entries);
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

interface Timings {
  readonly json: readonly number[];
  readonly text: readonly number[];
}

export async function measureFormsServed(settings: Settings, functions: Functions, log: (line: string) => void): Promise<Ratio[]> {
  const entries = settings.packetEntries;
  const generated = usualEntries(entries);
  const spec = functions.coreFor(functions.validador);
  const server = await start({ ...spec, name: `${spec.name}, timed`, env: { ...spec.env, CORE_TIMED: "1" } });
  try {
    const json: Call = { url: server.url, method: "POST", body: Buffer.from(written(generated)).toString("utf8"), contentType: "application/json" };
    const text: Call = { url: server.url, method: "POST", body: Buffer.from(textBytes(generated)).toString("utf8"), contentType: "text/plain" };
    if ((await fetchText(json)) !== (await fetchText(text))) throw new Error("forms: the JSON and text forms give different findings");
    const timings = async (): Promise<Timings> => JSON.parse(await fetchText({ url: `${server.url}/timings`, method: "GET" })) as Timings;
    const rounds = await pinned([server], log, async () => {
      log(`forms: ${entries}-entry paquete, JSON and text in turn, served, warming up`);
      await load([json, text], settings.httpWarmupSeconds, settings.partsConnections);
      await timings();
      const perRound: { json: number; text: number }[] = [];
      for (let round = 0; round < settings.httpRounds; round++) {
        log(`forms: served, round ${round + 1}/${settings.httpRounds}`);
        await load([json, text], settings.httpSeconds, settings.partsConnections);
        const times = await timings();
        perRound.push({ json: median(times.json) / 1000, text: median(times.text) / 1000 });
      }
      return perRound;
    });
    const unit = "µs";
    return [
      ratio({
        id: "http.forms",
        family: "http",
        title: `validador's core in a server under load, ${entries}-entry paquete: generador's JSON vs the same as text, per request`,
        measured: { name: "JSON", value: median(rounds.map((r) => r.json)), unit },
        reference: { name: "text", value: median(rounds.map((r) => r.text)), unit },
        ...paired(
          rounds.map((r) => r.json),
          rounds.map((r) => r.text),
        ),
        // The JSON path within 1.25× the text path's time.
        target: { op: "<=", value: 1.25 },
      }),
    ];
  } finally {
    await stop(server);
  }
}
