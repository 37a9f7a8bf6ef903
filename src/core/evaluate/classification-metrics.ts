import { expectedCalibrationError } from './calibration.js';
import { ExactSum, exactMean } from './exact-sum.js';
import { rankMetrics } from './rank-metrics.js';
import { macroAverage, setMetrics, weightedAverage } from './set-metrics.js';
import type { ClassificationState, ClassStats, MetricReport } from './types.js';

/**
 * Binary and multiclass metrics, mirroring scikit-learn's defaults: macro and weighted averages
 * run over the classes present in y_true or y_pred (`labels=None`), 0/0 becomes 0.0 with a
 * warning, and roc_auc is NaN where scikit-learn raises (a class with no positive or no negative
 * row). log_loss is computed with the declared classes, as scikit-learn's `labels=range(k)`.
 * Unlike scikit-learn, multiclass score rows are not required to sum to 1 (it raises for
 * roc_auc); log_loss renormalises them exactly as scikit-learn does.
 */
export function classificationMetrics(state: ClassificationState): MetricReport {
  const { numClasses: k, rows, confusion } = state;
  const warnings = new Set<string>();
  const collect = (list: string[]): void => list.forEach((w) => warnings.add(w));
  const perClass: ClassStats[] = [];
  const present: ClassStats[] = [];
  let correct = 0;
  let recallSum = 0;
  let supported = 0;
  for (let c = 0; c < k; c++) {
    const actual = sum(confusion[c]!);
    const predicted = confusion.reduce((total, row) => total + row[c]!, 0);
    const truePositives = confusion[c]![c]!;
    const local: string[] = [];
    const stats = setMetrics({ truePositives, predicted, actual }, `class ${c}`, local);
    perClass.push(stats);
    correct += truePositives;
    if (actual > 0 || predicted > 0) {
      present.push(stats);
      collect(local);
    }
    if (actual > 0) {
      recallSum += truePositives / actual;
      supported++;
    } else if (predicted > 0) {
      warnings.add(`balanced_accuracy ignores class ${c}: predicted but absent from y_true`);
    }
  }

  const metrics: Record<string, number> = {
    accuracy: rows === 0 ? Number.NaN : correct / rows,
    balanced_accuracy: supported === 0 ? Number.NaN : recallSum / supported,
    precision_macro: macroAverage(present, 'precision'),
    recall_macro: macroAverage(present, 'recall'),
    f1_macro: macroAverage(present, 'f1'),
    precision_weighted: rows === 0 ? Number.NaN : weightedAverage(present, 'precision'),
    recall_weighted: rows === 0 ? Number.NaN : weightedAverage(present, 'recall'),
    f1_weighted: rows === 0 ? Number.NaN : weightedAverage(present, 'f1'),
  };
  if (state.task === 'binary') {
    // pos_label 1 is always the class scored, even when absent (scikit-learn's labels=[1]).
    const local: string[] = [];
    const positive = setMetrics(
      {
        truePositives: confusion[1]![1]!,
        predicted: confusion[0]![1]! + confusion[1]![1]!,
        actual: sum(confusion[1]!),
      },
      'class 1',
      local,
    );
    collect(local);
    metrics.precision = positive.precision;
    metrics.recall = positive.recall;
    metrics.f1 = positive.f1;
  }
  if (rows === 0) warnings.add('no rows were evaluated; every metric is NaN');
  if (state.scored) Object.assign(metrics, scoreMetrics(state, warnings));
  return {
    task: state.task,
    rows,
    metrics,
    confusionMatrix: confusion.map((r) => [...r]),
    perClass,
    warnings: [...warnings],
  };
}

function scoreMetrics(state: ClassificationState, warnings: Set<string>): Record<string, number> {
  const { numClasses: k, rows, yTrue, yScore } = state;
  const metrics: Record<string, number> = {
    log_loss: exactMean(ExactSum.fromJSON(state.logLoss), rows),
    ece: expectedCalibrationError(state.calibration),
  };
  if (state.task === 'binary') {
    const rank = rankMetrics(yScore, (i) => yTrue[i] === 1);
    if (Number.isNaN(rank.rocAuc) && rows > 0)
      warnings.add('roc_auc is undefined with only one class in y_true; set to NaN');
    if (rank.positives === 0 && rows > 0) warnings.add('average_precision has no positive row; set to 0.0');
    metrics.roc_auc = rows === 0 ? Number.NaN : rank.rocAuc;
    metrics.average_precision = rows === 0 ? Number.NaN : rank.averagePrecision;
    metrics.brier = exactMean(ExactSum.fromJSON(state.brier), rows);
    return metrics;
  }
  // One-vs-rest, macro: scikit-learn's roc_auc_ovr; average_precision the same way (as ≥ 1.3).
  const column = new Float64Array(rows);
  let aucSum = 0;
  let apSum = 0;
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < rows; i++) column[i] = yScore[i * k + c]!;
    const rank = rankMetrics(column, (i) => yTrue[i] === c);
    if (Number.isNaN(rank.rocAuc) && rows > 0) {
      warnings.add(
        `roc_auc is undefined: class ${c} has ${rank.positives === 0 ? 'no' : 'only'} rows in y_true; set to NaN`,
      );
    }
    if (rank.positives === 0 && rows > 0)
      warnings.add(`average_precision of class ${c} has no positive row; set to 0.0`);
    aucSum += rank.rocAuc;
    apSum += rank.averagePrecision;
  }
  metrics.roc_auc = rows === 0 ? Number.NaN : aucSum / k;
  metrics.average_precision = rows === 0 ? Number.NaN : apSum / k;
  return metrics;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
