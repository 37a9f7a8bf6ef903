import type { SignificanceConfig } from '../../core/config/index.js';
import { mcnemar, pairedBootstrap, type GateResult, type Task } from '../../core/evaluate/index.js';

/** The paired test behind a baseline check, as results and reports show it. */
export interface SignificanceResult {
  method: 'bootstrap' | 'mcnemar';
  /** What the per-row values are: correctness for classifiers, absolute error for regression. */
  statistic: 'accuracy' | 'mae';
  confidence: number;
  /** Candidate minus baseline of the mean per-row value, with its interval (bootstrap). */
  difference: number;
  low?: number;
  high?: number;
  /** McNemar's two-sided p-value. */
  pValue?: number;
  /** The candidate is better / worse beyond chance at this confidence. */
  better: boolean;
  worse: boolean;
}

/**
 * Paired test of candidate vs baseline on the same rows: a paired bootstrap interval of the
 * difference of per-row values, or McNemar's test on per-row correctness (classifiers). The
 * per-row value is correctness (the accuracy of the rows) for classifiers and the absolute error
 * (the mae) for regression, whatever metric the gate names: the test says whether the models
 * differ beyond chance on these rows, the gate's own comparison says by how much.
 */
export function pairedTest(
  task: Task,
  candidate: readonly number[],
  baseline: readonly number[],
  config: SignificanceConfig,
): SignificanceResult {
  const statistic = task === 'regression' ? 'mae' : 'accuracy';
  // Improvement is positive when the candidate is better: more correct rows, smaller errors.
  const sign = statistic === 'mae' ? -1 : 1;
  if (config.method === 'mcnemar' && statistic === 'accuracy') {
    const test = mcnemar(candidate, baseline);
    const n = candidate.length;
    const difference = (test.onlyCurrentCorrect - test.onlyBaselineCorrect) / n;
    const significant = test.pValue < 1 - config.confidence;
    return {
      method: 'mcnemar',
      statistic,
      confidence: config.confidence,
      difference,
      pValue: test.pValue,
      better: significant && difference > 0,
      worse: significant && difference < 0,
    };
  }
  const interval = pairedBootstrap({
    current: candidate,
    baseline,
    resamples: config.resamples,
    confidence: config.confidence,
  });
  return {
    method: 'bootstrap',
    statistic,
    confidence: config.confidence,
    difference: interval.difference,
    low: interval.low,
    high: interval.high,
    better: sign > 0 ? interval.low > 0 : interval.high < 0,
    worse: sign > 0 ? interval.high < 0 : interval.low > 0,
  };
}

/**
 * Applies the test to a baseline check: a failed max-degradation only fails when the candidate is
 * worse with the configured confidence (else it warns); a passed min-improvement only passes when
 * the candidate is better with that confidence (else it fails).
 */
export function applySignificance(result: GateResult, test: SignificanceResult): GateResult {
  const level = `${Math.round(test.confidence * 1000) / 10}%`;
  const detail =
    test.method === 'bootstrap'
      ? `${test.statistic} difference ${fmt(test.difference)}, ${level} CI [${fmt(test.low!)}, ${fmt(test.high!)}]`
      : `McNemar p = ${fmt(test.pValue!)} on per-row correctness`;
  if (result.check === 'max-degradation' && result.status === 'fail' && !test.worse) {
    return {
      ...result,
      status: 'warn',
      message: `${result.message}; not worse with ${level} confidence (${detail})`,
    };
  }
  if (result.check === 'min-improvement' && result.status === 'pass' && !test.better) {
    return {
      ...result,
      status: 'fail',
      message: `${result.message}, but not better with ${level} confidence (${detail})`,
    };
  }
  return { ...result, message: `${result.message} (${detail})` };
}

function fmt(value: number): string {
  return String(Number(value.toPrecision(4)));
}
