import type { ClassStats } from './types.js';

/** Counts for one class or label, as in one cell of scikit-learn's multilabel_confusion_matrix. */
export interface SetCounts {
  truePositives: number;
  /** Rows predicted as this class (tp + fp). */
  predicted: number;
  /** Rows truly of this class (tp + fn): the support. */
  actual: number;
}

/**
 * Precision, recall and F1 for one class with scikit-learn's default `zero_division="warn"`:
 * a 0/0 ratio becomes 0.0 and a warning. F1 is 2pr/(p+r) from the (possibly zeroed) precision and
 * recall, 0 when both are 0 — the formula of scikit-learn 1.2, not 2tp/(2tp+fp+fn).
 */
export function setMetrics(counts: SetCounts, name: string, warnings: string[]): ClassStats {
  const { truePositives, predicted, actual } = counts;
  if (predicted === 0) {
    warnings.push(`precision of ${name} is ill-defined (no predicted rows) and set to 0.0`);
  }
  if (actual === 0) {
    warnings.push(`recall of ${name} is ill-defined (no true rows) and set to 0.0`);
  }
  const precision = predicted === 0 ? 0 : truePositives / predicted;
  const recall = actual === 0 ? 0 : truePositives / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support: actual };
}

/** Unweighted mean over the given classes (scikit-learn's `average="macro"`). */
export function macroAverage(stats: readonly ClassStats[], key: 'precision' | 'recall' | 'f1'): number {
  if (stats.length === 0) return Number.NaN;
  let total = 0;
  for (const s of stats) total += s[key];
  return total / stats.length;
}

/** Support-weighted mean (`average="weighted"`); 0 when no class has support, as scikit-learn. */
export function weightedAverage(stats: readonly ClassStats[], key: 'precision' | 'recall' | 'f1'): number {
  let total = 0;
  let weight = 0;
  for (const s of stats) {
    total += s[key] * s.support;
    weight += s.support;
  }
  return weight === 0 ? 0 : total / weight;
}
