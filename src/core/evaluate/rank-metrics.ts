import { ratioToNumber } from './exact-sum.js';

/**
 * ROC AUC and average precision for one binary problem, computed from the multiset of
 * (score, label) pairs only, so shards concatenated in any order give identical results.
 *
 * Both walk the distinct score thresholds from high to low, as scikit-learn's _binary_clf_curve:
 * rows with equal scores enter together. For AUC a tied (positive, negative) pair counts one half
 * (the trapezoid between the two curve points); average precision is the step function
 * Σ (R_i − R_{i−1}) · P_i over distinct thresholds, without interpolation.
 */
export interface RankMetrics {
  /** NaN when only one class is present (scikit-learn raises). */
  rocAuc: number;
  /** 0 when there is no positive row (scikit-learn 1.2 warns and returns 0). */
  averagePrecision: number;
  positives: number;
  negatives: number;
}

/** `scores[i]` with `isPositive(i)`; scores must be finite. */
export function rankMetrics(scores: ArrayLike<number>, isPositive: (index: number) => boolean): RankMetrics {
  let positives = 0;
  for (let i = 0; i < scores.length; i++) if (isPositive(i)) positives++;
  const positive = new Float64Array(positives);
  const negative = new Float64Array(scores.length - positives);
  let p = 0;
  let n = 0;
  for (let i = 0; i < scores.length; i++) {
    if (isPositive(i)) positive[p++] = scores[i] ?? 0;
    else negative[n++] = scores[i] ?? 0;
  }
  // Typed-array sort is numeric; a total order makes the walk independent of input order.
  positive.sort();
  negative.sort();

  let i = positive.length - 1;
  let j = negative.length - 1;
  let truePositives = 0;
  let falsePositives = 0;
  // Twice the Mann–Whitney U, an integer: kept in a Number while 2·P·N fits in 2^53, else a BigInt.
  const bigCounts = 2 * positive.length * negative.length > Number.MAX_SAFE_INTEGER;
  let twiceU = 0;
  let twiceUBig = 0n;
  let precisionSum = 0;
  while (i >= 0 || j >= 0) {
    const top =
      i < 0 ? (negative[j] ?? 0) : j < 0 ? (positive[i] ?? 0) : Math.max(positive[i] ?? 0, negative[j] ?? 0);
    let tp = 0;
    let fp = 0;
    // === treats -0 and +0 as one threshold, as numpy's diff does.
    while (i >= 0 && positive[i] === top) {
      tp++;
      i--;
    }
    while (j >= 0 && negative[j] === top) {
      fp++;
      j--;
    }
    if (bigCounts) twiceUBig += BigInt(fp) * BigInt(2 * truePositives + tp);
    else twiceU += fp * (2 * truePositives + tp);
    truePositives += tp;
    falsePositives += fp;
    if (tp > 0) precisionSum += tp * (truePositives / (truePositives + falsePositives));
  }
  const negatives = negative.length;
  const pairs = positives * negatives;
  const rocAuc =
    pairs === 0
      ? Number.NaN
      : bigCounts
        ? ratioToNumber(twiceUBig, 2n * BigInt(pairs))
        : twiceU / (2 * pairs);
  const averagePrecision = positives === 0 ? 0 : precisionSum / positives;
  return { rocAuc, averagePrecision, positives, negatives };
}
