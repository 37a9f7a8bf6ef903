import { mixSeed, Random } from '../random.js';
import { sampleSpace } from '../space.js';
import type { Params, Sampler, StudyView } from '../types.js';

/** Uniform (log-uniform with log: true) independent draws: the baseline every other sampler must beat. */
export function randomSampler(options: { seed?: number } = {}): Sampler {
  const seed = options.seed ?? 0;
  return {
    name: 'random',
    suggest(study: StudyView, count: number): Params[] {
      const random = new Random(mixSeed(seed, study.trials.length, 0x52414e44));
      return Array.from({ length: count }, () => sampleSpace(study.space, random));
    },
  };
}
