import { UsageError } from '../errors.js';
import { createRng } from './prng.js';

export interface PairedBootstrapOptions {
  /** Per-row values of the current model: correctness (0/1) for accuracy, errors for mae, … */
  current: ArrayLike<number>;
  /** The baseline's values on the same rows, in the same order. */
  baseline: ArrayLike<number>;
  /** Default 1000. */
  resamples?: number;
  /** Two-sided level, default 0.95. */
  confidence?: number;
  /** Default 0; the same seed gives the same interval. */
  seed?: number;
}

export interface BootstrapInterval {
  /** mean(current) − mean(baseline) on all rows. */
  difference: number;
  low: number;
  high: number;
  confidence: number;
  resamples: number;
  /** The interval lies strictly on one side of 0. */
  excludesZero: boolean;
}

/**
 * Paired bootstrap confidence interval of the difference of the mean per-row value: each resample
 * draws n row indices with replacement and uses them for both models, so row difficulty cancels.
 * The interval takes the percentiles (1−c)/2 and (1+c)/2 of the resampled differences with
 * linear interpolation (numpy's default percentile method).
 */
export function pairedBootstrap(options: PairedBootstrapOptions): BootstrapInterval {
  const { current, baseline, resamples = 1000, confidence = 0.95, seed = 0 } = options;
  const n = current.length;
  if (n === 0 || baseline.length !== n) {
    throw new UsageError(`paired bootstrap got ${n} current and ${baseline.length} baseline rows`, {
      fix: 'pass per-row values of both models on the same non-empty rows',
    });
  }
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new UsageError(`resamples is ${resamples}`, { fix: 'use an integer ≥ 1, e.g. 1000' });
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new UsageError(`confidence is ${confidence}`, { fix: 'use a level between 0 and 1, e.g. 0.95' });
  }
  const differences = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = (current[i] ?? Number.NaN) - (baseline[i] ?? Number.NaN);
    if (!Number.isFinite(d)) {
      throw new UsageError(`row ${i} has a non-finite value`, {
        fix: 'pass finite per-row values for both models',
      });
    }
    differences[i] = d;
    total += d;
  }
  const rng = createRng(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += differences[rng.nextInt(n)]!;
    means[r] = sum / n;
  }
  means.sort();
  const tail = (1 - confidence) / 2;
  const low = percentile(means, tail);
  const high = percentile(means, 1 - tail);
  return {
    difference: total / n,
    low,
    high,
    confidence,
    resamples,
    excludesZero: low > 0 || high < 0,
  };
}

/** numpy's "linear" percentile of sorted values, q in [0, 1]. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const lower = sorted[below]!;
  return lower + (position - below) * (sorted[above]! - lower);
}
