// The statistics every measurement shares. The machine is shared and noisy, so no figure is
// taken alone: each side of a comparison is measured in rounds that alternate with the other
// side's (A B, B A, A B, ...), and a ratio is the median of the per-round ratios, so that a
// burst of noise lands on both sides of the rounds it hits and the median drops those rounds.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (0-100) of values, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError("percentile of no values");
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Ratios of samples taken side by side: each round's a[i] / b[i], and their median. */
export function paired(a: readonly number[], b: readonly number[]): { ratio: number; rounds: number[] } {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in count: ${a.length} and ${b.length}`);
  const rounds = a.map((value, i) => value / b[i]!);
  return { ratio: median(rounds), rounds };
}

/**
 * Samples of each side, `rounds` times, the order reversed every other round so that no side
 * always runs first (right after the previous round's last one, with its garbage to collect).
 */
export async function alternate<K extends string, T = number>(
  rounds: number,
  sides: Readonly<Record<K, () => T | Promise<T>>>,
  onRound?: (round: number) => void,
): Promise<Record<K, T[]>> {
  const names = Object.keys(sides) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < rounds; round++) {
    onRound?.(round);
    for (const name of round % 2 === 0 ? names : [...names].reverse()) samples[name].push(await sides[name]());
  }
  return samples;
}

/**
 * A full garbage collection, on demand. Node exposes gc() only with --expose-gc; setting the
 * flag at run time and taking the function from a new context gives the same without changing
 * how npm run bench starts Node.
 */
const collectGarbage: () => void = (() => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

/**
 * Where results go so the optimizer cannot drop a computation nobody reads. Only a number:
 * holding on to a run's whole result would keep it alive through the next run, and make the
 * garbage collector's work, not the code's, the figure of sides that allocate.
 */
export let sink = 0;

/** Runs fn for at least `ms` milliseconds (at least once); returns how many runs and how long. */
function repeat(fn: () => number, ms: number): { runs: number; elapsed: number } {
  let runs = 0;
  const start = performance.now();
  let elapsed: number;
  do {
    sink = (sink + fn()) | 0;
    runs++;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return { runs, elapsed };
}

/**
 * Two functions run in turn, a run of each at a time, for at least `ms` milliseconds in all:
 * runs per second of each. Side by side at the scale of single runs, so that a burst of noise
 * on the shared machine, which can last longer than a whole slice of one side, falls on both.
 * The heap is collected first and a quarter of `ms` runs untimed, as in runsPerSecond.
 */
export function interleavedPerSecond(a: () => number, b: () => number, ms: number): [number, number] {
  const turns = (limit: number) => {
    let timeA = 0;
    let timeB = 0;
    let runs = 0;
    const start = performance.now();
    let now = start;
    do {
      const t0 = now;
      sink = (sink + a()) | 0;
      const t1 = performance.now();
      sink = (sink + b()) | 0;
      now = performance.now();
      timeA += t1 - t0;
      timeB += now - t1;
      runs++;
    } while (now - start < limit);
    return { runs, timeA, timeB };
  };
  collectGarbage();
  turns(ms / 4);
  const { runs, timeA, timeB } = turns(ms);
  return [(runs * 1000) / timeA, (runs * 1000) / timeB];
}

/**
 * Runs fn again and again for at least `ms` milliseconds (at least once); runs per second.
 * The heap is collected first, so that this side does not pay for the garbage the other side
 * left behind (the original algorithm leaves a lot), then fn runs untimed for a quarter of
 * `ms`, so that the collector settles on this side's own pace before the clock starts.
 */
export function runsPerSecond(fn: () => number, ms: number): number {
  collectGarbage();
  repeat(fn, ms / 4);
  const { runs, elapsed } = repeat(fn, ms);
  return (runs * 1000) / elapsed;
}
