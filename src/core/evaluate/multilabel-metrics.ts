import { rankMetrics } from './rank-metrics.js';
import { macroAverage, setMetrics } from './set-metrics.js';
import type { ClassStats, MetricReport, MultilabelState } from './types.js';

/**
 * Multilabel metrics as scikit-learn computes them on an indicator matrix: per label, then macro
 * (every label counts, present or not) and micro (pooled counts); accuracy is subset accuracy and
 * hamming_loss the fraction of wrong cells. With scores, roc_auc and average_precision are the
 * macro averages over labels; roc_auc is NaN when a label column holds a single class.
 */
export function multilabelMetrics(state: MultilabelState): MetricReport {
  const { numLabels: width, rows } = state;
  const warnings: string[] = [];
  const perClass: ClassStats[] = [];
  const confusionMatrix: number[][][] = [];
  let tp = 0;
  let predicted = 0;
  let actual = 0;
  let wrong = 0;
  for (let j = 0; j < width; j++) {
    const t = state.truePositives[j]!;
    const fp = state.falsePositives[j]!;
    const fn = state.falseNegatives[j]!;
    perClass.push(
      setMetrics({ truePositives: t, predicted: t + fp, actual: t + fn }, `label ${j}`, warnings),
    );
    confusionMatrix.push([
      [rows - t - fp - fn, fp],
      [fn, t],
    ]);
    tp += t;
    predicted += t + fp;
    actual += t + fn;
    wrong += fp + fn;
  }
  const micro = setMetrics({ truePositives: tp, predicted, actual }, 'all labels (micro)', warnings);
  const empty = rows === 0;
  if (empty) warnings.push('no rows were evaluated; every metric is NaN');
  const metrics: Record<string, number> = {
    accuracy: empty ? Number.NaN : state.exactRows / rows,
    hamming_loss: empty ? Number.NaN : wrong / (rows * width),
    precision_micro: empty ? Number.NaN : micro.precision,
    recall_micro: empty ? Number.NaN : micro.recall,
    f1_micro: empty ? Number.NaN : micro.f1,
    precision_macro: empty ? Number.NaN : macroAverage(perClass, 'precision'),
    recall_macro: empty ? Number.NaN : macroAverage(perClass, 'recall'),
    f1_macro: empty ? Number.NaN : macroAverage(perClass, 'f1'),
  };
  if (state.scored && !empty) {
    const column = new Float64Array(rows);
    let aucSum = 0;
    let apSum = 0;
    for (let j = 0; j < width; j++) {
      for (let i = 0; i < rows; i++) column[i] = state.yScore[i * width + j]!;
      const rank = rankMetrics(column, (i) => state.yTrue[i * width + j] === 1);
      if (Number.isNaN(rank.rocAuc))
        warnings.push(`roc_auc is undefined: label ${j} has a single class; set to NaN`);
      if (rank.positives === 0)
        warnings.push(`average_precision of label ${j} has no positive row; set to 0.0`);
      aucSum += rank.rocAuc;
      apSum += rank.averagePrecision;
    }
    metrics.roc_auc = aucSum / width;
    metrics.average_precision = apSum / width;
  }
  return { task: 'multilabel', rows, metrics, confusionMatrix, perClass, warnings };
}
