import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { createSampler, enumerateGrid, gridSampler } from '../../../src/core/tune/samplers/index.js';
import { paramsKey, parseSearchSpace, spaceContains } from '../../../src/core/tune/space.js';
import type { StudyView, Trial } from '../../../src/core/tune/types.js';

const space = parseSearchSpace(
  {
    booster: { choices: ['gbtree', 'dart'] },
    depth: { type: 'int', low: 2, high: 6, step: 2 },
    rate_drop: { type: 'float', low: 0, high: 0.2, step: 0.1, when: { booster: 'dart' } },
  },
  'test',
);
const study = (trials: Trial[] = []): StudyView => ({ space, direction: 'minimize', trials });
const done = (params: Trial['params'][]): Trial[] =>
  params.map((p, number) => ({ number, params: p, state: 'complete', value: number }));

describe('grid sampler', () => {
  it('enumerates every combination once, conditional parameters only in their branch', () => {
    const points = enumerateGrid(space);
    // gbtree: 3 depths; dart: 3 depths × 3 rate_drops
    expect(points).toHaveLength(12);
    expect(points[0]).toEqual({ booster: 'gbtree', depth: 2 });
    expect(points[3]).toEqual({ booster: 'dart', depth: 2, rate_drop: 0 });
    expect(new Set(points.map((p) => paramsKey(space, p))).size).toBe(12);
    for (const p of points) expect(spaceContains(space, p)).toBe(true);
  });

  it('continues after the trials a study already has and refuses to go past the end', () => {
    const sampler = gridSampler();
    const first = sampler.suggest(study(), 5);
    const rest = sampler.suggest(study(done(first)), 7);
    expect([...first, ...rest]).toEqual(enumerateGrid(space));
    expect(sampler.remaining(study(done([...first, ...rest])))).toBe(0);
    expect(() => sampler.suggest(study(done(first)), 8)).toThrow(
      'the grid has 12 points and 5 are taken, so 8 more cannot be suggested — ask for at most 7 trials',
    );
  });

  it('names a continuous float it cannot enumerate', () => {
    const continuous = parseSearchSpace({ lr: { type: 'float', low: 0, high: 1 } }, 'test');
    expect(() => gridSampler().suggest({ space: continuous, direction: 'minimize', trials: [] }, 1)).toThrow(
      UsageError,
    );
    expect(() => gridSampler().suggest({ space: continuous, direction: 'minimize', trials: [] }, 1)).toThrow(
      "continuous float parameter 'lr' — add step: to 'lr'",
    );
  });
});

describe('random sampler', () => {
  it('is reproducible from the seed and the study, and different across seeds and study sizes', () => {
    const a = createSampler('random', { seed: 7 }).suggest(study(), 4);
    const b = createSampler('random', { seed: 7 }).suggest(study(), 4);
    const c = createSampler('random', { seed: 8 }).suggest(study(), 4);
    const d = createSampler('random', { seed: 7 }).suggest(study(done(a)), 4);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(d).not.toEqual(a);
    for (const p of [...a, ...c, ...d]) expect(spaceContains(space, p)).toBe(true);
  });

  it('rejects an unknown sampler name with the list', () => {
    expect(() => createSampler('bayes')).toThrow("unknown sampler 'bayes' — use one of");
  });
});
