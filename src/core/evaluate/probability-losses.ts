/**
 * Per-row probability losses, written to reproduce scikit-learn 1.2's arithmetic row by row
 * (only the final sum differs, and ours is exact).
 */

/**
 * log_loss clipping: scikit-learn ≥ 1.2 clips to [eps, 1 − eps] with eps the float64 machine
 * epsilon (2^-52), then renormalises each row to sum to 1 — both are mirrored here.
 */
export const LOG_LOSS_EPSILON = Number.EPSILON;

function clip(p: number): number {
  return Math.min(Math.max(p, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
}

/** −log P(true class) for a binary row given P(class 1); the row [1−q, q] is renormalised. */
export function binaryLogLoss(label: number, probability: number): number {
  const q = clip(probability);
  const total = 1 - q + q;
  return -Math.log((label === 1 ? q : 1 - q) / total);
}

/** −log P(true class) for one multiclass row after clipping and renormalising. */
export function multiclassLogLoss(label: number, row: ArrayLike<number>): number {
  let total = 0;
  for (let j = 0; j < row.length; j++) total += clip(row[j] ?? 0);
  return -Math.log(clip(row[label] ?? 0) / total);
}

/** (y − p)² for brier_score_loss with pos_label 1. */
export function brierTerm(label: number, probability: number): number {
  const difference = label - probability;
  return difference * difference;
}
