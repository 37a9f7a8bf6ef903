/**
 * The optimize verb's pure core: passes over decoded ONNX models (graph, fp16, prune, dead-code;
 * int8 quantization lives in ./quantize), the composition tools ensemble and split, and the
 * candidate search's vocabulary (pass lists, budgets, the Pareto front).
 */
export type { OptimizationPass, PassContext, PassResult, CalibrationFeed } from './pass.js';
export { deadCodePass, removeDeadCode } from './dead-code.js';
export { fp16Pass, convertToFloat16, DEFAULT_KEEP_FP32 } from './fp16.js';
export { prunePass, pruneWeights, DEFAULT_SPARSITY } from './prune.js';
export { graphPass, graphLevelOption, type GraphLevel } from './graph-pass.js';
export { mergeEnsemble, type EnsembleInfo } from './ensemble.js';
export { extractSubModel } from './split.js';
export { inferElementTypes } from './infer-types.js';
export { nodeReads } from './graph-tools.js';
export { toHalfBits, fromHalfBits } from './half-float.js';
export {
  selectPasses,
  planCandidates,
  pipelineName,
  isPrecisionPass,
  type SelectedPass,
} from './pass-list.js';
export { parseBudget, withinTerm, improvement, type BudgetTerm } from './budget.js';
export { paretoFront, type TradeOff } from './pareto.js';
export { BUILTIN_PASSES } from './builtin-passes.js';
export {
  checkBudget,
  qualityMetric,
  rankCandidates,
  type BudgetVerdict,
  type MeasuredCandidate,
  type Objective,
} from './choose.js';
