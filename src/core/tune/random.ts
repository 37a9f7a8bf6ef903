import { createRng, type Rng } from '../evaluate/prng.js';

/**
 * The samplers' source of randomness: the project's xoshiro128** generator with floats, normals
 * and choices on top. Samplers build a fresh one per call from (seed, study size), so a suggestion
 * depends only on the seed and the study, never on how many calls came before (a resumed or
 * distributed study suggests exactly what an uninterrupted one would).
 */
export class Random {
  private readonly rng: Rng;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.rng = createRng(seed);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const high = this.rng.nextUint32() >>> 5; // 27 bits
    const low = this.rng.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [0, bound). */
  int(bound: number): number {
    return this.rng.nextInt(bound);
  }

  /** Standard normal (Marsaglia's polar method). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * factor;
        return u * factor;
      }
    }
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Index drawn with probability proportional to `weights` (non-negative, not all zero). */
  weighted(weights: ArrayLike<number>, total?: number): number {
    let sum = total ?? 0;
    if (total === undefined) for (let i = 0; i < weights.length; i++) sum += weights[i]!;
    let r = this.next() * sum;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}

/** Mixes integers into one 32-bit seed (an avalanche hash), for per-call and per-trial streams. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    h = Math.imul(h, 0x297a2d39);
    h ^= h >>> 15;
    // Seeds beyond 32 bits still differ by their high part.
    h = Math.imul(h ^ Math.floor(part / 4294967296), 0x01000193);
  }
  return h >>> 0;
}
