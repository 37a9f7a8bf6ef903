import { computeMetrics, type EvaluationState, type MetricReport } from '../../core/evaluate/index.js';
import { percentile } from '../../core/evaluate/paired-bootstrap.js';

/** Timing and size measured while a model ran: what the latency, throughput and size metrics come from. */
export interface RunMeasurements {
  /** Milliseconds per onnxruntime run (one per batch). */
  latenciesMs: readonly number[];
  /** Sum of the runs' milliseconds. */
  inferenceMs: number;
  rows: number;
  /** Bytes of the model file. */
  sizeBytes: number;
}

/**
 * The metrics dictionary: scikit-learn's scorer names from the state, plus latency_p50/p95/p99
 * (milliseconds per batch, numpy's linear percentile), throughput (rows per second of inference)
 * and size (bytes of the model file).
 */
export function assembleMetrics(
  state: EvaluationState,
  measured: RunMeasurements,
): { report: MetricReport; metrics: Record<string, number> } {
  const report = computeMetrics(state);
  const sorted = Float64Array.from(measured.latenciesMs).sort();
  const latency = (q: number) => (sorted.length === 0 ? Number.NaN : round(percentile(sorted, q)));
  return {
    report,
    metrics: {
      ...report.metrics,
      latency_p50: latency(0.5),
      latency_p95: latency(0.95),
      latency_p99: latency(0.99),
      throughput:
        measured.inferenceMs > 0 ? Math.round((measured.rows * 1000) / measured.inferenceMs) : Number.NaN,
      size: measured.sizeBytes,
    },
  };
}

/** Timings to the microsecond: finer digits are noise. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
