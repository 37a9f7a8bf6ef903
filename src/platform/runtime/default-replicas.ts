import { availableParallelism } from 'node:os';

/** Each replica holds the whole model: past this size, one session with onnxruntime's threads. */
export const LARGE_MODEL_BYTES = 512 * 1024 * 1024;

/**
 * How many single-threaded session replicas to run by default: one per core, up to 4. Whole runs
 * side by side need no hand-off between threads inside each operator (evaluate: 1.3× the rows/s
 * of one session using every core, bench/evaluate-throughput.bench.mjs; serve: the main thread
 * reads the next requests meanwhile). A model of 512 MB or more gets one session: every replica
 * holds its own copy of the weights.
 */
export function defaultReplicas(modelBytes: number): number {
  if (modelBytes >= LARGE_MODEL_BYTES) return 1;
  return Math.max(1, Math.min(4, availableParallelism()));
}
