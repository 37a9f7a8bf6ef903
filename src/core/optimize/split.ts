import { create } from '@bufbuild/protobuf';
import { TypeProto_TensorSchema, TypeProtoSchema, ValueInfoProtoSchema, type ValueInfoProto } from 'onnx-buf';
import { UsageError } from '../errors.js';
import type { ModelProto } from '../onnx/index.js';
import { cloneModel, producers, nodeReads } from './graph-tools.js';
import { inferElementTypes } from './infer-types.js';

/**
 * The sub-model that computes `outputs` from `inputs` (tensor names of the model): the nodes on
 * the way, the initializers they read, and the named tensors as the new graph's inputs and outputs
 * (typed from the model's declarations, else by element type propagation). Splitting a model at
 * a cut and running the parts in turn gives the whole model's outputs. Throws a UsageError when a
 * name is unknown or the outputs need a graph input not among `inputs`.
 */
export function extractSubModel(
  model: ModelProto,
  inputs: readonly string[],
  outputs: readonly string[],
): ModelProto {
  const copy = cloneModel(model);
  const graph = copy.graph!;
  const made = producers(graph);
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const graphInputs = new Set(graph.input.map((i) => i.name));
  const known = (name: string) => made.has(name) || initializers.has(name) || graphInputs.has(name);
  for (const name of [...inputs, ...outputs]) {
    if (!known(name)) {
      throw new UsageError(`tensor '${name}' is not in the model`, {
        fix: 'name graph inputs, outputs or node outputs of the model (see a viewer such as Netron)',
      });
    }
  }
  const cut = new Set(inputs);
  const needed = new Set<string>();
  const nodes = new Set<number>();
  const index = new Map(graph.node.map((n, i) => [n, i]));
  const visit = (name: string, from: string): void => {
    if (cut.has(name) || needed.has(name)) return;
    needed.add(name);
    if (initializers.has(name)) return;
    const node = made.get(name);
    if (!node) {
      throw new UsageError(`output '${from}' needs '${name}', which is not among the sub-model inputs`, {
        fix: `add '${name}' to the inputs of the split`,
      });
    }
    nodes.add(index.get(node)!);
    for (const read of nodeReads(node)) visit(read, from);
  };
  for (const name of outputs) visit(name, name);

  const types = inferElementTypes(graph);
  const declared = new Map<string, ValueInfoProto>(
    [...graph.input, ...graph.output, ...graph.valueInfo].map((v) => [v.name, v]),
  );
  const valueInfo = (name: string): ValueInfoProto => {
    const found = declared.get(name);
    if (found?.type) return found;
    const elemType = types.get(name);
    if (elemType === undefined) {
      throw new UsageError(`the element type of '${name}' cannot be told from the model`, {
        fix: 'run shape inference on the model first (onnx.shape_inference) so value_info holds its type',
      });
    }
    const tensor = create(TypeProto_TensorSchema, { elemType });
    return create(ValueInfoProtoSchema, {
      name,
      type: create(TypeProtoSchema, { value: { case: 'tensorType', value: tensor } }),
    });
  };
  const newInputs = inputs.filter((n) => !initializers.has(n)).map(valueInfo);
  const newOutputs = outputs.map(valueInfo);
  graph.node = graph.node.filter((_, i) => nodes.has(i));
  graph.initializer = graph.initializer.filter((t) => needed.has(t.name));
  const defined = new Set([...inputs, ...graph.node.flatMap((n) => n.output)]);
  graph.valueInfo = graph.valueInfo.filter((v) => defined.has(v.name) && !outputs.includes(v.name));
  graph.input = newInputs;
  graph.output = newOutputs;
  return copy;
}
