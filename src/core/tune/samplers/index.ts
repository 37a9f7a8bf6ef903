import { UsageError } from '../../errors.js';
import type { Sampler } from '../types.js';
import { gridSampler } from './grid.js';
import { randomSampler } from './random.js';

export const SAMPLER_NAMES = ['grid', 'random'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export interface SamplerOptions {
  /** Same seed + same study → same suggestions. Default 0. */
  seed?: number;
}

/** The sampler called `name` (as written after --sampler or sampler: in modelops.yaml). */
export function createSampler(name: string, options: SamplerOptions = {}): Sampler {
  switch (name) {
    case 'grid':
      return gridSampler();
    case 'random':
      return randomSampler(options);
    default:
      throw new UsageError(`unknown sampler '${name}'`, { fix: `use one of ${SAMPLER_NAMES.join(', ')}` });
  }
}

export { gridSampler, enumerateGrid } from './grid.js';
export { randomSampler } from './random.js';
