import type { Pruner, Sampler, SearchSpace } from '../../core/tune/types.js';

/**
 * The search engine the verb drives (src/core/tune: space parser, samplers, pruners), passed in so
 * tests can run the verb with a tiny sampler of their own.
 */
export interface TuneParts {
  /** Parses a space mapping; throws a ConfigError (exit 2) for an empty or contradictory space. */
  parseSpace(raw: unknown, source: string): SearchSpace;
  createSampler(name: string, options: { seed: number }): Sampler;
  /** undefined for 'none'. */
  createPruner(name: string): Pruner | undefined;
}

export async function defaultParts(): Promise<TuneParts> {
  const [{ parseSearchSpace }, { createSampler }, { createPruner }] = await Promise.all([
    import('../../core/tune/space.js'),
    import('../../core/tune/samplers/index.js'),
    import('../../core/tune/pruners/index.js'),
  ]);
  return {
    parseSpace: parseSearchSpace,
    createSampler,
    createPruner: (name) => createPruner(name),
  };
}
