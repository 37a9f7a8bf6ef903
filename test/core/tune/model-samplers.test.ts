import { describe, expect, it } from 'vitest';
import { createSampler } from '../../../src/core/tune/samplers/index.js';
import { parseSearchSpace, paramsKey, spaceContains } from '../../../src/core/tune/space.js';
import type { Params, StudyView } from '../../../src/core/tune/types.js';
import { bestOf, median, runStudy } from './run-study.js';

const quadSpace = parseSearchSpace(
  { x: { type: 'float', low: -5, high: 5 }, y: { type: 'float', low: -5, high: 5 } },
  'test',
);
const quadratic = (p: Params) => ((p.x as number) - 1.3) ** 2 + ((p.y as number) + 2.1) ** 2;

const mixedSpace = parseSearchSpace(
  {
    booster: { choices: ['gbtree', 'dart', 'linear'] },
    lr: { type: 'float', low: 1e-4, high: 1, log: true },
    depth: { type: 'int', low: 1, high: 9, step: 2 },
    leaves: { type: 'int', low: 2, high: 512, log: true },
    frac: { type: 'float', low: 0.1, high: 1, step: 0.05 },
    rate_drop: { type: 'float', low: 0, high: 0.5, when: { booster: 'dart' } },
    skip_drop: { type: 'float', low: 0, high: 0.5, when: { booster: 'dart', depth: [1, 3] } },
  },
  'test',
);
const mixedObjective = (p: Params) =>
  Math.abs(Math.log10(p.lr as number) + 2) +
  ((p.depth as number) - 5) ** 2 / 10 +
  (p.booster === 'dart' ? (p.rate_drop as number) : 0.3) +
  ('skip_drop' in p ? 1 : 0) +
  Math.abs(Math.log2(p.leaves as number) - 5) / 4 +
  Math.abs((p.frac as number) - 0.8);

describe.each(['tpe', 'gp', 'ga'])('%s sampler', (name) => {
  const budget = name === 'gp' ? 20 : 40;

  it('is reproducible from the seed and the study', () => {
    const a = runStudy(createSampler(name, { seed: 3 }), mixedSpace, mixedObjective, budget);
    const b = runStudy(createSampler(name, { seed: 3 }), mixedSpace, mixedObjective, budget);
    const c = runStudy(createSampler(name, { seed: 4 }), mixedSpace, mixedObjective, budget);
    expect(b.trials.map((t) => t.params)).toEqual(a.trials.map((t) => t.params));
    expect(c.trials.map((t) => t.params)).not.toEqual(a.trials.map((t) => t.params));
    // A fresh sampler on the same study continues exactly as the one that built it.
    const view: StudyView = { ...a, trials: a.trials.slice(0, budget - 5) };
    expect(createSampler(name, { seed: 3 }).suggest(view, 1)).toEqual([a.trials[budget - 5]!.params]);
  });

  it('keeps every suggestion inside the space, conditional parameters only when their condition holds', () => {
    const study = runStudy(createSampler(name, { seed: 1 }), mixedSpace, mixedObjective, budget, 3);
    for (const { params } of study.trials) {
      expect(spaceContains(mixedSpace, params)).toBe(true);
      expect('rate_drop' in params).toBe(params.booster === 'dart');
      expect('skip_drop' in params).toBe(
        params.booster === 'dart' && [1, 3].includes(params.depth as number),
      );
    }
  });

  it('spreads a parallel batch (running trials count) instead of repeating one point', () => {
    const study = runStudy(createSampler(name, { seed: 5 }), quadSpace, quadratic, 25);
    const batch = createSampler(name, { seed: 5 }).suggest(study, 4);
    expect(new Set(batch.map((p) => paramsKey(quadSpace, p))).size).toBe(4);
  });
});

describe('model-based samplers learn', () => {
  const seeds = [0, 1, 2, 3, 4, 5, 6];
  const medianBest = (name: string, trials: number) =>
    median(
      seeds.map((seed) =>
        bestOf(runStudy(createSampler(name, { seed }), quadSpace, quadratic, trials).trials),
      ),
    );

  it('TPE beats random search on a quadratic over seeds', () => {
    const tpe = medianBest('tpe', 40);
    const random = medianBest('random', 40);
    expect(tpe).toBeLessThan(random / 2);
  });

  it('GP gets within 0.01 of the optimum of a quadratic in 20 trials and beats random', () => {
    const gp = medianBest('gp', 20);
    expect(gp).toBeLessThan(0.01);
    expect(gp).toBeLessThan(medianBest('random', 20));
  });

  it('GA beats random search on a quadratic over seeds', () => {
    expect(medianBest('ga', 80)).toBeLessThan(medianBest('random', 80));
  });
});
