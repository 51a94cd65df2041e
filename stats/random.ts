/**
 * A small seeded pseudo-random generator (mulberry32) and normal draws, so
 * simulations and synthetic data are reproducible run to run.
 *
 * @example
 * const rng = seededRandom(42);
 * rng.uniform(); rng.normal(0, 1); rng.bernoulli(0.1);
 */

export interface SeededRandom {
  /** Uniform on [0, 1). */
  uniform(): number;
  normal(mean?: number, sd?: number): number;
  bernoulli(p: number): 0 | 1;
}

/** A generator whose sequence depends only on the 32-bit seed. */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  let spare: number | null = null;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const standardNormal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    // Box–Muller; 1 − u keeps the logarithm finite.
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = r * Math.sin(angle);
    return r * Math.cos(angle);
  };
  return {
    uniform,
    normal: (mean = 0, sd = 1) => mean + sd * standardNormal(),
    bernoulli: (p) => (uniform() < p ? 1 : 0),
  };
}
