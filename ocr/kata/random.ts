/** A small seeded PRNG (mulberry32): the same seed always gives the same sequence. */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next uniform uint32. */
  next(): number {
    const state = (this.#state = (this.#state + 0x6d2b79f5) | 0);
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** A uniform integer in [0, n), for n up to 2^32 (bias below n / 2^32). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
}
