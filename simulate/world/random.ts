/**
 * A small seeded random source (sfc32, seeded through splitmix32), so that a
 * simulation is the same on every machine and every run for the same seed.
 * `Math.random` is never used by the simulator.
 *
 * @example
 * const rng = createRandom(42);
 * rng.next();            // 0.7203...
 * rng.int(1, 6);         // a die roll, 1..6 inclusive
 * rng.fork('viewers');   // an independent stream: adding shows does not change viewers
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** One element, with probability proportional to its weight. */
  weighted<T>(items: readonly T[], weight: (item: T) => number): T;
  /** Log-normal with the given median and log-space standard deviation. */
  logNormal(median: number, sigma: number): number;
  /** Exponential with the given mean. */
  exponential(mean: number): number;
  /** A new, independent stream derived from this seed and a label. */
  fork(label: string): Random;
}

/** splitmix32 step: turns any 32-bit seed into well-mixed state words. */
function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [s, (z ^ (z >>> 16)) >>> 0];
}

/** FNV-1a of a label, to derive fork seeds. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A seeded generator; the same seed always gives the same sequence. */
export function createRandom(seed: number): Random {
  let st = seed >>> 0;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [next, out] = splitmix32(st);
    st = next;
    words.push(out);
  }
  let [a, b, c, d] = words as [number, number, number, number];
  const seedWord = seed >>> 0;

  const u32 = (): number => {
    // sfc32 (Chris Doty-Humphrey's Small Fast Counting generator).
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32(); // discard the first outputs, as sfc32's author recommends

  const rng: Random = {
    next: () => u32() / 4294967296,
    int: (min, max) => min + Math.floor(rng.next() * (max - min + 1)),
    chance: (p) => rng.next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick: the list is empty; give at least one item');
      return items[Math.floor(rng.next() * items.length)]!;
    },
    weighted: (items, weight) => {
      const total = items.reduce((s, it) => s + weight(it), 0);
      if (!(total > 0)) throw new Error('weighted: weights must sum to more than 0');
      let r = rng.next() * total;
      for (const it of items) {
        r -= weight(it);
        if (r < 0) return it;
      }
      return items[items.length - 1]!;
    },
    logNormal: (median, sigma) => {
      // Box-Muller; 1 - next() keeps the logarithm's argument above 0.
      const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      return median * Math.exp(sigma * z);
    },
    exponential: (mean) => -mean * Math.log(1 - rng.next()),
    fork: (label) => createRandom((seedWord ^ hashLabel(label)) >>> 0),
  };
  return rng;
}
