// How big and how long each measurement is, in the two modes. The full mode is what the
// committed results come from; smoke mode only proves, in seconds, that every measurement
// still runs end to end (CI runs it from test/bench.test.ts). Its figures mean little.

export type Mode = "full" | "smoke";

export interface Settings {
  readonly mode: Mode;
  /** Entries of the packet the decode core reads (the 100 000). */
  readonly decodeEntries: number;
  /** Entries of a generated packet, of the HTTP bodies and of generador's answers. */
  readonly packetEntries: number;
  /** Entries POSTed (and generated) for the peak memory figures. */
  readonly peakEntries: number;
  /** A/B rounds for the in-process measurements (decode, generation): each side once per round. */
  readonly coreRounds: number;
  /** How long each side runs in each core round, in ms (as many whole runs as fit). */
  readonly coreSliceMs: number;
  /** A/B rounds of autocannon runs per HTTP case. */
  readonly httpRounds: number;
  /**
   * Seconds per autocannon run, and per warm-up run. A server under load reaches its steady
   * CPU cost per request only after about 4 s (the JIT's tiers, the heap's sizing; the more
   * code a handler runs, the longer): with a 1 s warm-up, generador's first rounds read 0.5×
   * and later ones 0.8×.
   */
  readonly httpSeconds: number;
  readonly httpWarmupSeconds: number;
  /** Concurrent connections autocannon keeps open. */
  readonly connections: number;
  /**
   * Where a request's CPU goes (bench/parts.ts): rounds in which the function, its core
   * function and the baseline take load at once, how long each, and the connections to each.
   */
  readonly partsRounds: number;
  readonly partsSeconds: number;
  readonly partsConnections: number;
  /** Pause before reading a server's RSS, in ms, so start-up or the last request has settled. */
  readonly settleMs: number;
  /** Fresh processes per side for the peak memory figure. */
  readonly peakRounds: number;
  /** Spawns per side for the cold start figure. */
  readonly coldStartRounds: number;
}

export const FULL: Settings = {
  mode: "full",
  decodeEntries: 100_000,
  packetEntries: 500,
  peakEntries: 100_000,
  coreRounds: 9,
  coreSliceMs: 400,
  httpRounds: 9,
  httpSeconds: 2,
  httpWarmupSeconds: 5,
  connections: 10,
  partsRounds: 20,
  partsSeconds: 1,
  partsConnections: 4,
  settleMs: 500,
  peakRounds: 5,
  coldStartRounds: 9,
};

export const SMOKE: Settings = {
  mode: "smoke",
  decodeEntries: 2_000,
  packetEntries: 50,
  // Big enough that the request, not the start-up, makes the peak.
  peakEntries: 20_000,
  coreRounds: 2,
  coreSliceMs: 20,
  httpRounds: 1,
  httpSeconds: 0.3,
  // Long enough that a freshly started server answers at all on a busy machine (in 0.1 s, on 2
  // cores shared with other test runs, some warm-ups got no answer and failed the run).
  httpWarmupSeconds: 0.5,
  connections: 4,
  partsRounds: 1,
  partsSeconds: 0.3,
  partsConnections: 2,
  settleMs: 100,
  peakRounds: 1,
  coldStartRounds: 1,
};
