// Generation core: ocr/ drawing a packet and serialising it as generador answers it (indented
// JSON), in packets per second, against serialising a precomputed packet of the same size:
// the floor for producing those bytes at all.
import { generate } from "../ocr/index.js";
import { ratio, type Ratio } from "./results.js";
import type { Settings } from "./settings.js";
import { alternate, median, paired, runsPerSecond } from "./stats.js";

/** A KSUID's length: generador's Id comes from the ksuid package, outside the domain module. */
const ID = "2Uo5aT1Kx0dRk1bWbHjEjb3mBQa";

/** The body generador answers by default: indented JSON and a line end. */
const serialise = (contenido: unknown): string => `${JSON.stringify({ Id: ID, Contenido: contenido }, null, 2)}\n`;

export async function measureGenerate(settings: Settings, log: (line: string) => void): Promise<Ratio[]> {
  const count = settings.packetEntries;
  const options = { count, errRate: 0.1, illRate: 0.1 };
  const precomputed = generate({ ...options, seed: 1 }).entries;
  let seed = 1;
  const sides = {
    generate: () => runsPerSecond(() => serialise(generate({ ...options, seed: seed++ >>> 0 }).entries).length, settings.coreSliceMs),
    serialise: () => runsPerSecond(() => serialise(precomputed).length, settings.coreSliceMs),
  };
  if (serialise(generate({ ...options, seed: 2 }).entries).length !== serialise(precomputed).length) {
    throw new Error("generate: packets of the same count should serialise to the same size");
  }
  log(`generate: ${count}-entry packets, warming up`);
  sides.generate();
  sides.serialise();
  const s = await alternate(settings.coreRounds, sides, (round) => log(`generate: round ${round + 1}/${settings.coreRounds}`));
  return [
    ratio({
      id: "generate.floor",
      family: "generate",
      title: `generate ${count}-entry packets (JSON) vs serialising one`,
      measured: { name: "ocr/ + JSON", value: median(s.generate), unit: "packets/s" },
      reference: { name: "JSON only", value: median(s.serialise), unit: "packets/s" },
      ...paired(s.generate, s.serialise),
    }),
  ];
}
