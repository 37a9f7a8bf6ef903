import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/tune/random.js';
import { encode, makeDim, ParzenEstimator } from '../../../src/core/tune/samplers/parzen.js';
import { tpeSampler } from '../../../src/core/tune/samplers/tpe.js';
import { parseSearchSpace } from '../../../src/core/tune/space.js';
import type { Distribution } from '../../../src/core/tune/types.js';
import { bestOf, median, runStudy } from './run-study.js';

// A joint estimator's two scores: `joint` (kernels across dimensions) and `marginal` (the product
// of per-dimension mixtures), which TPE's hybrid ranking adds up.
const specs: Distribution[] = [
  { type: 'float', low: 0, high: 10, log: false },
  { type: 'float', low: 1e-3, high: 1, log: true },
  { type: 'int', low: 1, high: 9, log: false },
  { type: 'categorical', choices: ['a', 'b', 'c'] },
];
const dims = specs.map(makeDim);
const rows = [
  [1.5, 0.01, 3, 'a'],
  [7.25, 0.3, 8, 'c'],
  [4, 0.002, 1, 'a'],
];
const observations = dims.map((dim, d) => Float64Array.from(rows, (row) => encode(dim, row[d]!)));
const options = { priorWeight: 1, magicClip: true, scaleFree: true, bandwidth: 'neighbour' as const };
const weights = [1, 0.5, 1];

describe('ParzenEstimator.logPdfs', () => {
  const joint = new ParzenEstimator(dims, observations, weights, { ...options, multivariate: true });
  const points = joint.sample(new Random(7), 16);

  it('joint is logPdf', () => {
    expect(Array.from(joint.logPdfs(points).joint)).toEqual(Array.from(joint.logPdf(points)));
  });

  it('marginal is the sum of the one-dimensional estimators over the same kernels', () => {
    const expected = new Float64Array(16);
    dims.forEach((dim, d) => {
      // One dimension alone: its bandwidths are the neighbour rule in that dimension, as in the joint one.
      const alone = new ParzenEstimator([dim], [observations[d]!], weights, {
        ...options,
        multivariate: false,
      });
      const logs = alone.logPdf([points[d]!]);
      for (let j = 0; j < 16; j++) expected[j]! += logs[j]!;
    });
    const marginal = joint.logPdfs(points).marginal;
    for (let j = 0; j < 16; j++) expect(marginal[j]).toBeCloseTo(expected[j]!, 10);
    // …and differs from the joint density (kernels are not independent across dimensions).
    expect(Array.from(marginal)).not.toEqual(Array.from(joint.logPdfs(points).joint));
  });
});

describe('TPE hybrid ranking', () => {
  const space = parseSearchSpace(
    Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`x${i}`, { type: 'float', low: -5, high: 5 }])),
    'test',
  );
  // Separable: each coordinate's evidence is useful on its own, which the marginal term pools.
  const sphere = (p: Record<string, unknown>) =>
    Object.values(p).reduce<number>((s, v) => s + ((v as number) - 1) ** 2, 0);

  it('changes the suggestions only for joint groups, and still learns', () => {
    const on = runStudy(tpeSampler({ seed: 1 }), space, sphere, 30);
    const off = runStudy(tpeSampler({ seed: 1, hybrid: false }), space, sphere, 30);
    expect(on.trials.slice(0, 7)).toEqual(off.trials.slice(0, 7)); // random startup
    expect(on.trials.map((t) => t.params)).not.toEqual(off.trials.map((t) => t.params));
    const uni = (hybrid: boolean) =>
      runStudy(tpeSampler({ seed: 1, hybrid, multivariate: false }), space, sphere, 30).trials;
    expect(uni(true)).toEqual(uni(false));
    const seeds = [0, 1, 2, 3, 4, 5, 6];
    const tpe = median(seeds.map((seed) => bestOf(runStudy(tpeSampler({ seed }), space, sphere, 40).trials)));
    const startOnly = median(
      seeds.map((seed) =>
        bestOf(runStudy(tpeSampler({ seed, nStartupTrials: 40 }), space, sphere, 40).trials),
      ),
    );
    expect(tpe).toBeLessThan(startOnly / 2);
  });
});
