// The OCR core's own cost per request, in µs, for the requests the HTTP rows make: what
// validador's domain call costs for the 500-entry paquete in each body form (from the body as
// the template offers it to the handler to the findings' bytes), and what generador's costs to
// draw and write a 500-entry packet. Measured in process, in the same run as the HTTP rows, so
// that a function's CPU per request can be split into template (the baseline's), core (these)
// and glue (the rest: what the function's own code around the core costs).
import { findingsText, generate, jsonBytes, parseBody } from "../ocr/testing.js";
import type { Settings } from "./settings.js";
import { alternate, median, runsPerSecond } from "./stats.js";

export interface CoreCosts {
  /** validador's domain work for the JSON body, µs per request. */
  readonly json: number;
  /** validador's domain work for the text body, µs per request. */
  readonly text: number;
  /** generador's: draw and write the packet as indented JSON bytes, µs per request. */
  readonly generate: number;
}

/** A KSUID's length: generador's Id comes from the ksuid package, outside the core. */
const ID = "2Uo5aT1Kx0dRk1bWbHjEjb3mBQa";

/** What validador hands ocr/ for a body (its bytes, and whether it is JSON), and what it gets back: the default (text) answer. */
const findings = (body: Uint8Array, json: boolean): number => findingsText(parseBody(body, { json })).length;

export async function measureCore(settings: Settings, bodies: { readonly json: string; readonly text: string }, log: (line: string) => void): Promise<CoreCosts> {
  const count = settings.packetEntries;
  const json = Buffer.from(bodies.json);
  const text = Buffer.from(bodies.text);
  let seed = 1;
  const perRequest = (fn: () => number) => () => 1e6 / runsPerSecond(fn, settings.coreSliceMs);
  const sides = {
    json: perRequest(() => findings(json, true)),
    text: perRequest(() => findings(text, false)),
    generate: perRequest(() => jsonBytes(generate({ count, seed: seed++ >>> 0, errRate: 0.1, illRate: 0.1 }), { id: ID, indent: true, key: false }).length),
  };
  log(`core: ${count}-entry paquete per request, warming up`);
  for (const side of Object.values(sides)) side();
  const s = await alternate(settings.coreRounds, sides, (round) => log(`core: round ${round + 1}/${settings.coreRounds}`));
  return { json: median(s.json), text: median(s.text), generate: median(s.generate) };
}
