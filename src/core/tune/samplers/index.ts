import { UsageError } from '../../errors.js';
import type { Sampler } from '../types.js';
import { gaSampler, type GaOptions } from './ga.js';
import { gpSampler, type GpOptions } from './gp.js';
import { gridSampler } from './grid.js';
import { randomSampler } from './random.js';
import { tpeSampler, type TpeOptions } from './tpe.js';

export const SAMPLER_NAMES = ['grid', 'random', 'tpe', 'gp', 'ga'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export interface SamplerOptions {
  /** Same seed + same study → same suggestions. Default 0. */
  seed?: number;
  tpe?: Omit<TpeOptions, 'seed'>;
  gp?: Omit<GpOptions, 'seed'>;
  ga?: Omit<GaOptions, 'seed'>;
}

/** The sampler called `name` (as written after --sampler or sampler: in modelops.yaml). */
export function createSampler(name: string, options: SamplerOptions = {}): Sampler {
  switch (name) {
    case 'grid':
      return gridSampler();
    case 'random':
      return randomSampler(options);
    case 'tpe':
      return tpeSampler({ ...options.tpe, seed: options.seed });
    case 'gp':
      return gpSampler({ ...options.gp, seed: options.seed });
    case 'ga':
      return gaSampler({ ...options.ga, seed: options.seed });
    default:
      throw new UsageError(`unknown sampler '${name}'`, { fix: `use one of ${SAMPLER_NAMES.join(', ')}` });
  }
}

export { gridSampler, enumerateGrid } from './grid.js';
export { randomSampler } from './random.js';
export { tpeSampler, type TpeOptions } from './tpe.js';
export { gpSampler, type GpOptions } from './gp.js';
export { gaSampler, type GaOptions } from './ga.js';
