import { TensorProto_DataType as DataType, type TensorProto } from 'onnx-buf';
import { UsageError } from '../errors.js';
import { makeTensor, tensorValues } from '../onnx/index.js';
import { cloneModel } from './graph-tools.js';
import type { ModelProto } from '../onnx/index.js';
import type { OptimizationPass, PassResult } from './pass.js';

/** Operators whose second input is the weight tensor pruning thins out. */
const WEIGHTED = new Set(['MatMul', 'Gemm', 'Conv']);

/** Default fraction of each weight tensor set to zero. */
export const DEFAULT_SPARSITY = 0.5;

/**
 * Magnitude pruning: in every float32 weight initializer of MatMul, Gemm and Conv, the smallest
 * |w| are set to zero until `sparsity` of the tensor is zero (ties broken by position). Returns the
 * pruned copy and the tensors touched, or undefined when the model has no such weight.
 */
export function pruneWeights(
  model: ModelProto,
  sparsity: number,
): { model: ModelProto; tensors: number; zeroed: number; total: number } | undefined {
  const copy = cloneModel(model);
  const graph = copy.graph!;
  const weights = new Set<string>();
  for (const node of graph.node) {
    if ((node.domain === '' || node.domain === 'ai.onnx') && WEIGHTED.has(node.opType) && node.input[1])
      weights.add(node.input[1]);
  }
  let tensors = 0;
  let zeroed = 0;
  let total = 0;
  graph.initializer = graph.initializer.map((tensor) => {
    if (!weights.has(tensor.name) || tensor.dataType !== DataType.FLOAT) return tensor;
    const pruned = pruneTensor(tensor, sparsity);
    tensors++;
    zeroed += pruned.zeroed;
    total += pruned.total;
    return pruned.tensor;
  });
  return tensors === 0 ? undefined : { model: copy, tensors, zeroed, total };
}

function pruneTensor(tensor: TensorProto, sparsity: number) {
  const values = Float32Array.from(tensorValues(tensor) as Float32Array);
  const target = Math.floor(values.length * sparsity);
  const order = Array.from(values.keys()).sort(
    (a, b) => Math.abs(values[a]!) - Math.abs(values[b]!) || a - b,
  );
  for (let k = 0; k < target; k++) values[order[k]!] = 0;
  const pruned = makeTensor(tensor.name, values, tensor.dims.map(Number));
  pruned.docString = tensor.docString;
  return { tensor: pruned, zeroed: target, total: values.length };
}

/** Reads and checks the `sparsity` option (a fraction in [0, 1)). */
export function sparsityOption(value: string | number | boolean | undefined): number {
  if (value === undefined) return DEFAULT_SPARSITY;
  const sparsity = Number(value);
  if (typeof value === 'boolean' || !(sparsity >= 0 && sparsity < 1)) {
    throw new UsageError(`prune sparsity ${String(value)} is not a fraction in [0, 1)`, {
      fix: 'write e.g. --passes prune:sparsity=0.5',
    });
  }
  return sparsity;
}

/** `prune`: magnitude pruning of MatMul/Gemm/Conv weights to a target sparsity. */
export const prunePass: OptimizationPass = {
  name: 'prune',
  summary: `magnitude pruning of MatMul/Gemm/Conv weights to a target sparsity (sparsity=${DEFAULT_SPARSITY})`,
  apply(model, context): PassResult {
    const sparsity = sparsityOption(context.options?.sparsity);
    const result = pruneWeights(model, sparsity);
    if (!result) return { kind: 'skipped', reason: 'no float32 MatMul, Gemm or Conv weight initializer' };
    return {
      kind: 'changed',
      model: result.model,
      notes: [
        `${result.zeroed} of ${result.total} weights in ${result.tensors} tensor(s) set to zero (sparsity ${sparsity})`,
      ],
    };
  },
};
