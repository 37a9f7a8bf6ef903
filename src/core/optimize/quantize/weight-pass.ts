import type { GraphProto, ModelProto } from 'onnx-buf';
import type { PassResult } from '../pass.js';
import { hoistWeightConstants } from './constant-weights.js';
import { cloneModel, defaultOpset, type WeightOp } from './graph-edit.js';
import { formatBytes } from './options.js';

/** A weight-quantizing pass's own copy of the model, ready to rewrite. */
export interface WeightPassStart {
  kind: 'started';
  /** The clone the pass rewrites and returns; the caller's model is never modified. */
  model: ModelProto;
  /** Its main graph. */
  graph: GraphProto;
  /** The default-domain opset the model imports. */
  opset: number;
  /** How many Constant nodes holding weights became initializers (see hoistedNote). */
  hoisted: number;
}

/**
 * How every int8 pass starts: a model whose opset predates the operator the pass emits (`needs`)
 * is skipped with a reason that names that operator and how to upgrade; otherwise the model is
 * cloned and the Constant nodes that feed a weight or bias of `ops` become initializers, so the
 * pass finds every weight among the initializers.
 */
export function startWeightPass(
  model: ModelProto,
  needs: { op: string; opset: number },
  ops: readonly WeightOp[],
): WeightPassStart | Extract<PassResult, { kind: 'skipped' }> {
  const opset = defaultOpset(model);
  if (opset < needs.opset) {
    return {
      kind: 'skipped',
      reason: `opset ${opset} has no ${needs.op} (needs opset ${needs.opset} or newer); export the model with opset 13 or newer, or upgrade it with modelops convert --from onnx --opset 13`,
    };
  }
  const out = cloneModel(model);
  const graph = out.graph!;
  const hoisted = hoistWeightConstants(out, graph, ops);
  return { kind: 'started', model: out, graph, opset, hoisted };
}

/** "3 MatMul, 1 Conv" */
export function countBy(items: string[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** For `filter`: keeps each value once (a weight several nodes read counts once). */
export function unique<T>(value: T, index: number, all: T[]): boolean {
  return all.indexOf(value) === index;
}

/** "1.20 MB → 300.0 kB plus scales": int8 weights take a quarter of their float32 bytes. */
export function int8SizeNote(floatBytes: number): string {
  return `${formatBytes(floatBytes)} → ${formatBytes(Math.ceil(floatBytes / 4))} plus scales`;
}
