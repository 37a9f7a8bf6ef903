import {
  computeMetrics,
  createAccumulator,
  type Batch,
  type MetricReport,
  type Task,
} from '../../../src/core/evaluate/index.js';

/** One accumulator, one batch, the report: the shortest path from rows to metrics in tests. */
export function reportOf(task: Task, batch: Batch, options: object = {}): MetricReport {
  const acc = createAccumulator(task, options);
  acc.add(batch);
  return computeMetrics(acc.toState());
}

export function metricsOf(task: Task, batch: Batch, options: object = {}): Record<string, number> {
  return reportOf(task, batch, options).metrics;
}
