import { UsageError } from '../errors.js';
import { ExactSum } from './exact-sum.js';
import type { Batch, RegressionState } from './types.js';
import { checkArray, checkFinite } from './validate-batch.js';

/**
 * scikit-learn's mean_absolute_percentage_error divides by max(|y|, ε) with ε the float64 machine
 * epsilon, so a zero target gives a huge but finite term instead of a division by zero.
 */
export const MAPE_EPSILON = Number.EPSILON;

const SUMS = [
  'absoluteError',
  'squaredError',
  'absolutePercentageError',
  'sumTrue',
  'sumTrueSquared',
  'sumResidual',
  'sumResidualSquared',
] as const;
/** The exact-sum fields of a RegressionState. */
export type RegressionSumName = (typeof SUMS)[number];

/**
 * Regression rows folded into exact sums. Per-row terms are rounded exactly as scikit-learn rounds
 * them; only the summation is exact, which makes the result independent of shard order.
 */
export class RegressionAccumulator {
  readonly task = 'regression' as const;
  private rows: number;
  private maxAbsoluteError: number;
  private readonly sums: Record<RegressionSumName, ExactSum>;

  constructor(state?: RegressionState) {
    this.rows = state?.rows ?? 0;
    this.maxAbsoluteError = state?.maxAbsoluteError ?? 0;
    this.sums = Object.fromEntries(
      SUMS.map((name) => [name, ExactSum.fromJSON(state?.[name] ?? '0x0')]),
    ) as Record<RegressionSumName, ExactSum>;
  }

  add(batch: Batch): void {
    if (batch.yPred === undefined) {
      throw new UsageError('regression batch has no yPred', { fix: 'pass the predicted values as yPred' });
    }
    const yTrue = checkArray('yTrue', batch.yTrue).map((v, i) => checkFinite('yTrue', v, i));
    const yPred = checkArray('yPred', batch.yPred, yTrue.length).map((v, i) => checkFinite('yPred', v, i));
    const s = this.sums;
    yTrue.forEach((y, i) => {
      const prediction = yPred[i]!;
      const absolute = Math.abs(prediction - y);
      const residual = y - prediction;
      s.absoluteError.add(absolute);
      s.squaredError.add(residual * residual);
      s.absolutePercentageError.add(absolute / Math.max(Math.abs(y), MAPE_EPSILON));
      s.sumTrue.add(y);
      s.sumTrueSquared.addSquare(y);
      s.sumResidual.add(residual);
      s.sumResidualSquared.addSquare(residual);
      // max_error is |y − ŷ|; |ŷ − y| is the same double.
      if (absolute > this.maxAbsoluteError) this.maxAbsoluteError = absolute;
    });
    this.rows += yTrue.length;
  }

  merge(other: RegressionAccumulator): void {
    this.rows += other.rows;
    this.maxAbsoluteError = Math.max(this.maxAbsoluteError, other.maxAbsoluteError);
    for (const name of SUMS) this.sums[name].merge(other.sums[name]);
  }

  toState(): RegressionState {
    const sums = Object.fromEntries(SUMS.map((name) => [name, this.sums[name].toJSON()])) as Record<
      RegressionSumName,
      string
    >;
    return {
      format: 'modelops.evaluate.state',
      version: 1,
      task: 'regression',
      rows: this.rows,
      ...sums,
      maxAbsoluteError: this.maxAbsoluteError,
    };
  }
}
