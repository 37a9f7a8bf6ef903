import { describe, expect, it } from 'vitest';
import { mcnemar, mcnemarFromCounts, pairedBootstrap } from '../../../src/core/evaluate/index.js';
import { percentile } from '../../../src/core/evaluate/paired-bootstrap.js';
import { createRng } from '../../../src/core/evaluate/prng.js';
import { binomialHalfCdf, chiSquare1Survival, erfc } from '../../../src/core/evaluate/special-functions.js';

describe('mcnemar', () => {
  it('exact binomial for few discordant rows: b=3, c=7 → 2·176/1024', () => {
    expect(mcnemarFromCounts(3, 7)).toEqual({
      onlyCurrentCorrect: 3,
      onlyBaselineCorrect: 7,
      statistic: 3,
      pValue: 0.34375,
      method: 'exact',
    });
  });

  it('chi-square with continuity correction from 25 discordant rows: b=30, c=10', () => {
    const result = mcnemarFromCounts(30, 10);
    expect(result.method).toBe('chi-square');
    expect(result.statistic).toBe(9.025); // (|30−10| − 1)² / 40
    expect(result.pValue).toBeCloseTo(0.002663119259138558, 15);
  });

  it('counts discordant rows from per-row correctness; no discordance gives p = 1', () => {
    const result = mcnemar([1, 1, 0, 0, 1], [true, false, true, true, true]);
    expect([result.onlyCurrentCorrect, result.onlyBaselineCorrect, result.pValue]).toEqual([1, 2, 1]);
    expect(mcnemar([1, 0], [1, 0]).pValue).toBe(1);
    expect(() => mcnemar([1], [1, 0])).toThrow(/same rows/);
  });
});

describe('special functions', () => {
  it('erfc and the chi-square(1) tail', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(1) / 0.15729920705028513).toBeCloseTo(1, 14);
    expect(erfc(3) / 2.2090496998585445e-5).toBeCloseTo(1, 14);
    expect(chiSquare1Survival(3.841458820694124)).toBeCloseTo(0.05, 14);
  });

  it('binomial(n, ½) cdf', () => {
    expect(binomialHalfCdf(3, 10)).toBe(176 / 1024);
    expect(binomialHalfCdf(10, 10)).toBe(1);
    expect(binomialHalfCdf(500, 1000)).toBeCloseTo(0.5126125090891801, 15);
    // Symmetry: for odd n, P(X ≤ (n−1)/2) is exactly ½.
    expect(binomialHalfCdf(10_000, 20_001)).toBe(0.5);
  });
});

describe('pairedBootstrap', () => {
  const current = [1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1];
  const baseline = [1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1];

  it('is reproducible from its seed and brackets the observed difference', () => {
    const a = pairedBootstrap({ current, baseline, seed: 42 });
    expect(pairedBootstrap({ current, baseline, seed: 42 })).toEqual(a);
    expect(a.difference).toBe(0.3);
    expect(a.low).toBeLessThan(0.3);
    expect(a.high).toBeGreaterThan(0.3);
    expect(a.excludesZero).toBe(true);
    expect(a.resamples).toBe(1000);
  });

  it('constant differences give a zero-width interval; identical models include 0', () => {
    const shifted = pairedBootstrap({ current: [2, 3, 4], baseline: [1, 2, 3], resamples: 50 });
    expect([shifted.low, shifted.high]).toEqual([1, 1]);
    const same = pairedBootstrap({ current: [1, 0, 1], baseline: [1, 0, 1] });
    expect([same.low, same.high, same.excludesZero]).toEqual([0, 0, false]);
  });

  it("uses numpy's linear percentile", () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 15);
  });

  it('rejects mismatched or empty inputs', () => {
    expect(() => pairedBootstrap({ current: [], baseline: [] })).toThrow(/same non-empty rows/);
    expect(() => pairedBootstrap({ current: [1], baseline: [1], confidence: 1 })).toThrow(/confidence is 1/);
  });
});

describe('createRng', () => {
  it('is deterministic and stays in range', () => {
    const a = createRng(1);
    const b = createRng(1);
    const draws = Array.from({ length: 1000 }, () => a.nextInt(7));
    expect(Array.from({ length: 1000 }, () => b.nextInt(7))).toEqual(draws);
    expect(Math.min(...draws)).toBe(0);
    expect(Math.max(...draws)).toBe(6);
    expect(createRng(2).nextUint32()).not.toBe(createRng(1).nextUint32());
  });
});
