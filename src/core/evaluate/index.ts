/** Evaluate's pure core: mergeable metric states, scikit-learn-compatible metrics, gates, significance. */
export { createAccumulator, type Accumulator } from './accumulator.js';
export { mergeStates } from './merge-states.js';
export { computeMetrics } from './compute-metrics.js';
export { CALIBRATION_BINS } from './calibration.js';
export { LOG_LOSS_EPSILON } from './probability-losses.js';
export { MAPE_EPSILON } from './regression-accumulator.js';
export { inferDirection, type Direction } from './direction.js';
export {
  evaluateGates,
  overallGateStatus,
  type Gate,
  type GateCheck,
  type GateResult,
  type GateStatus,
  type Threshold,
} from './gates.js';
export { pairedBootstrap, type BootstrapInterval, type PairedBootstrapOptions } from './paired-bootstrap.js';
export { mcnemar, mcnemarFromCounts, type McNemarOptions, type McNemarResult } from './mcnemar.js';
export type * from './types.js';
