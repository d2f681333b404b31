// Generation core: ocr/ drawing a packet and writing it as generador answers it (indented
// JSON, as bytes), in packets per second, against serialising a precomputed packet of the same
// size into the same bytes: JSON.stringify and an encode, the standard way and the floor the
// issue names; and, for information, ocr/'s own writer alone on a precomputed packet.
import { generate, jsonBytes, type Generated } from "../ocr/testing.js";
import { ratio, type Ratio } from "./results.js";
import type { Settings } from "./settings.js";
import { alternate, median, paired, runsPerSecond } from "./stats.js";

/** A KSUID's length: generador's Id comes from the ksuid package, outside the domain module. */
const ID = "2Uo5aT1Kx0dRk1bWbHjEjb3mBQa";

/** The body generador answers by default: indented JSON and a line end, as bytes. */
export const written = (generated: Generated): Uint8Array => jsonBytes(generated, { id: ID, indent: true, key: false });
const stringified = (contenido: unknown): Buffer => Buffer.from(`${JSON.stringify({ Id: ID, Contenido: contenido }, null, 2)}\n`);

export async function measureGenerate(settings: Settings, log: (line: string) => void): Promise<Ratio[]> {
  const count = settings.packetEntries;
  const options = { count, errRate: 0.1, illRate: 0.1 };
  const precomputed = generate({ ...options, seed: 1 });
  const contenido = precomputed.entries;
  if (!Buffer.from(written(precomputed)).equals(stringified(contenido))) {
    throw new Error("generate: ocr/'s writer and JSON.stringify disagree");
  }
  let seed = 1;
  const sides = {
    generate: () => runsPerSecond(() => written(generate({ ...options, seed: seed++ >>> 0 })).length, settings.coreSliceMs),
    serialise: () => runsPerSecond(() => stringified(contenido).length, settings.coreSliceMs),
    write: () => runsPerSecond(() => written(precomputed).length, settings.coreSliceMs),
  };
  log(`generate: ${count}-entry packets, warming up`);
  for (const side of Object.values(sides)) side();
  const s = await alternate(settings.coreRounds, sides, (round) => log(`generate: round ${round + 1}/${settings.coreRounds}`));
  const unit = "packets/s";
  const measured = { name: "ocr/ draw + write", value: median(s.generate), unit };
  return [
    ratio({
      id: "generate.floor",
      family: "generate",
      title: `generate ${count}-entry packets (JSON bytes) vs serialising one`,
      measured,
      reference: { name: "JSON.stringify + encode", value: median(s.serialise), unit },
      ...paired(s.generate, s.serialise),
    }),
    ratio({
      id: "generate.write",
      family: "generate",
      title: `generate ${count}-entry packets (JSON bytes) vs writing a drawn one`,
      measured,
      reference: { name: "ocr/ write only", value: median(s.write), unit },
      ...paired(s.generate, s.write),
    }),
  ];
}
