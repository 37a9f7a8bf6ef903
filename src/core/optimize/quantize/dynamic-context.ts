import type { GraphProto, NodeProto } from 'onnx-buf';
import { makeNode } from '../../onnx/index.js';
import type { NameScope } from './graph-edit.js';
import type { WeightStore } from './weight-store.js';

/** What the dynamic int8 rewrites of one graph share while they emit nodes in graph order. */
export interface DynamicContext {
  graph: GraphProto;
  names: NameScope;
  /** int8 weights, stored once per (weight, layout). */
  store: WeightStore;
  /** Per-channel weight scales asked for (and possible at this opset for the QDQ form). */
  perChannel: boolean;
  /** The emitted nodes, in order. */
  nodes: NodeProto[];
  /** Float activation → its DynamicQuantizeLinear outputs [uint8 values, scale, zero point]. */
  activations: Map<string, [string, string, string]>;
  /** Initializers added for the rewrites (reshaped scales and biases), by a key of their source. */
  added: Map<string, string>;
  /** Initializers replaced by reshaped copies: dropped at the end when nothing reads them. */
  superseded: string[];
}

/**
 * The uint8 form of a float activation, made by one DynamicQuantizeLinear however many MatMul or
 * Conv nodes read it (emitted before the first of them).
 */
export function quantizedActivation(
  context: DynamicContext,
  input: string,
  label: (what: string) => string,
): [string, string, string] {
  let quantized = context.activations.get(input);
  if (!quantized) {
    const { names } = context;
    quantized = [
      names.fresh(`${input}_quantized`),
      names.fresh(`${input}_scale`),
      names.fresh(`${input}_zero_point`),
    ];
    context.nodes.push(
      makeNode('DynamicQuantizeLinear', [input], quantized, {}, { name: label('quantize') }),
    );
    context.activations.set(input, quantized);
  }
  return quantized;
}

/** A fresh name per node: `<node name or first output>_<what>`. */
export function labeller(context: DynamicContext, node: NodeProto): (what: string) => string {
  const base = node.name || node.output[0]!;
  return (what) => context.names.fresh(`${base}_${what}`);
}
