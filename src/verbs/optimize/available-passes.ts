import { BUILTIN_PASSES, type OptimizationPass } from '../../core/optimize/index.js';
import { QUANTIZE_PASSES } from '../../core/optimize/quantize/index.js';

/** The passes this build ships: graph, int8 (dynamic), int8-static, int8-weight, fp16, prune, dead-code. */
export async function availablePasses(): Promise<readonly OptimizationPass[]> {
  const [graph, ...rest] = BUILTIN_PASSES;
  return [graph!, ...QUANTIZE_PASSES, ...rest];
}
