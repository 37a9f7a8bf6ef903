import { clone } from '@bufbuild/protobuf';
import { TensorProtoSchema, type GraphProto, type ModelProto } from 'onnx-buf';
import type { WeightOp } from './graph-edit.js';

/**
 * Turns the main graph's Constant nodes that feed a weight or bias slot (input 1 or 2) of
 * MatMul, Gemm or Conv into initializers of the same name, so the int8 passes see them as they see
 * any initializer. Every other reader keeps reading that name, now an initializer, so the model
 * computes the same thing; a Constant that is also a graph output, carries no tensor `value`
 * (value_float, sparse_value, …) or sits in a model older than IR 4 (where initializers must also
 * be graph inputs) stays a node. Mutates `graph` (callers pass their own clone) and returns how
 * many Constants it moved.
 */
export function hoistWeightConstants(model: ModelProto, graph: GraphProto, ops: readonly WeightOp[]): number {
  if (Number(model.irVersion) < 4) return 0;
  const slots = new Set<string>();
  for (const node of graph.node) {
    if ((node.domain !== '' && node.domain !== 'ai.onnx') || !ops.includes(node.opType as WeightOp)) continue;
    for (const name of node.input.slice(1, 3)) if (name) slots.add(name);
  }
  const outputs = new Set(graph.output.map((o) => o.name));
  const taken = new Set(graph.initializer.map((t) => t.name));
  let moved = 0;
  graph.node = graph.node.filter((node) => {
    if (node.opType !== 'Constant' || (node.domain !== '' && node.domain !== 'ai.onnx')) return true;
    const name = node.output[0] ?? '';
    if (!slots.has(name) || outputs.has(name) || taken.has(name) || node.attribute.length !== 1) return true;
    const value = node.attribute[0]!;
    if (value.name !== 'value' || !value.t) return true;
    const tensor = clone(TensorProtoSchema, value.t);
    tensor.name = name;
    graph.initializer.push(tensor);
    taken.add(name);
    moved++;
    return false;
  });
  return moved;
}

/** The pass note for {@link hoistWeightConstants}. */
export function hoistedNote(count: number): string {
  return `${count} Constant node${count === 1 ? '' : 's'} holding weights made initializers`;
}
