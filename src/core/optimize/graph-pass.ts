import { UsageError } from '../errors.js';
import { readModel, writeModel } from '../onnx/index.js';
import type { OptimizationPass, PassResult } from './pass.js';

export type GraphLevel = 'basic' | 'extended';

/** Reads and checks the `level` option: basic or extended (`all` is tied to the machine's CPU). */
export function graphLevelOption(value: string | number | boolean | undefined): GraphLevel {
  if (value === undefined) return 'extended';
  if (value === 'basic' || value === 'extended') return value;
  throw new UsageError(`graph level '${String(value)}' is not basic or extended`, {
    fix: "write --passes graph:level=basic or graph:level=extended ('all' is hardware-specific and not saved)",
  });
}

/**
 * `graph`: onnxruntime's offline graph optimizations (constant folding, redundant node removal,
 * fusions at level extended) saved as a model. Exact up to float rounding of fused kernels.
 */
export const graphPass: OptimizationPass = {
  name: 'graph',
  summary: 'onnxruntime offline graph optimization (level=basic|extended), saved as a portable model',
  exactTolerance: 1e-4,
  async apply(model, context): Promise<PassResult> {
    const level = graphLevelOption(context.options?.level);
    if (!context.optimizeGraph) return { kind: 'skipped', reason: 'no onnxruntime to optimize with' };
    const before = model.graph!.node.length;
    const optimized = readModel(await context.optimizeGraph(writeModel(model), level), 'optimized model');
    const after = optimized.graph!.node.length;
    const fused = optimized.graph!.node.filter((n) => n.domain === 'com.microsoft').length;
    return {
      kind: 'changed',
      model: optimized,
      notes: [
        `level ${level}: ${before} → ${after} node(s)${fused > 0 ? `, ${fused} onnxruntime contrib operator(s)` : ''}`,
      ],
    };
  },
};
