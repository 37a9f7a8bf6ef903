import { EXACT_SCALE_BITS, ExactSum, exactMean, ratioToNumber } from './exact-sum.js';
import type { RegressionSumName } from './regression-accumulator.js';
import type { MetricReport, RegressionState } from './types.js';

const SCALE = BigInt(EXACT_SCALE_BITS);

/**
 * Regression metrics with scikit-learn's definitions. r2 and explained_variance use
 * `force_finite=True`: a zero numerator gives 1.0, else a zero denominator (constant y_true) gives
 * 0.0. Variances come from exact Σy, Σy² and n, so "constant" means exactly constant: scikit-learn's
 * two-pass float mean can leave a ~1e-33 denominator for e.g. [0.1, 0.1, 0.1] and return a huge
 * negative r2; we return 0.0 there on purpose.
 */
export function regressionMetrics(state: RegressionState): MetricReport {
  const rows = state.rows;
  const warnings: string[] = [];
  const sum = (name: RegressionSumName): ExactSum => ExactSum.fromJSON(state[name]);
  const mse = exactMean(sum('squaredError'), rows);
  const metrics: Record<string, number> = {
    mae: exactMean(sum('absoluteError'), rows),
    mse,
    rmse: Math.sqrt(mse),
    mape: exactMean(sum('absolutePercentageError'), rows),
    max_error: rows === 0 ? Number.NaN : state.maxAbsoluteError,
    r2: Number.NaN,
    explained_variance: Number.NaN,
  };
  if (rows === 0) warnings.push('no rows were evaluated; every metric is NaN');
  const parts = [
    sum('squaredError'),
    sum('sumTrue'),
    sum('sumTrueSquared'),
    sum('sumResidual'),
    sum('sumResidualSquared'),
  ];
  if (parts.some((part) => part.nonFinite !== 0)) {
    warnings.push('r2 and explained_variance overflowed (|y| or |y − ŷ| above ~1e154); set to NaN');
    return { task: 'regression', rows, metrics, confusionMatrix: [], perClass: [], warnings };
  }
  const [squaredError, sumTrue, sumTrueSquared, sumResidual, sumResidualSquared] = parts.map((p) =>
    p.toBigInt(),
  ) as [bigint, bigint, bigint, bigint, bigint];
  const n = BigInt(rows);
  // n² · variance, in units of 2^-2148: n·Σy² − (Σy)².
  const trueSpread = ((n * sumTrueSquared) << SCALE) - sumTrue * sumTrue;
  const residualSpread = ((n * sumResidualSquared) << SCALE) - sumResidual * sumResidual;
  if (rows >= 2) {
    // SS_res / SS_tot = n·SS_res / (n·Σy² − (Σy)²)
    metrics.r2 = finiteScore(squaredError, (n * squaredError) << SCALE, trueSpread);
  } else if (rows === 1) {
    warnings.push('r2 is not well-defined with fewer than two rows; set to NaN');
  }
  if (rows >= 1) metrics.explained_variance = finiteScore(residualSpread, residualSpread, trueSpread);
  return { task: 'regression', rows, metrics, confusionMatrix: [], perClass: [], warnings };
}

/** 1 − numerator/denominator with scikit-learn's force_finite rules. */
function finiteScore(numeratorSign: bigint, numerator: bigint, denominator: bigint): number {
  if (numeratorSign === 0n) return 1;
  if (denominator === 0n) return 0;
  return 1 - ratioToNumber(numerator, denominator);
}
