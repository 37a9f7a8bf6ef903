import { classificationMetrics } from './classification-metrics.js';
import { checkState } from './merge-states.js';
import { multilabelMetrics } from './multilabel-metrics.js';
import { regressionMetrics } from './regression-metrics.js';
import type { EvaluationState, MetricReport } from './types.js';

/**
 * Metrics from a (possibly merged) state. Pure and deterministic: the same multiset of rows gives
 * bit-identical numbers however it was split into shards.
 */
export function computeMetrics(state: EvaluationState): MetricReport {
  const checked = checkState(state);
  switch (checked.task) {
    case 'binary':
    case 'multiclass':
      return classificationMetrics(checked);
    case 'multilabel':
      return multilabelMetrics(checked);
    case 'regression':
      return regressionMetrics(checked);
  }
}
