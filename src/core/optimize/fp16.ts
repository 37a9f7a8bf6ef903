import { TensorProto_DataType as DataType, type NodeProto, type TensorProto } from 'onnx-buf';
import { makeNode, makeTensor, tensorValues } from '../onnx/index.js';
import { removeDeadCode } from './dead-code.js';
import { cloneModel, consumers, defaultOpset, nameMaker } from './graph-tools.js';
import { HALF_MAX, toHalfBits } from './half-float.js';
import { inferElementTypes } from './infer-types.js';
import type { ModelProto } from '../onnx/index.js';
import type { OptimizationPass, PassResult } from './pass.js';

/**
 * Operators converted to float16, with the inputs that carry the float data ('all' = every input).
 * Other inputs (shapes, indices, axes, Resize's scales) keep their type, and operators not listed
 * stay float32. Outputs are all float16 except where OUTPUTS says which.
 */
// prettier-ignore
const DATA_INPUTS: Record<string, number[] | 'all'> = {
  Add: 'all', Sub: 'all', Mul: 'all', Div: 'all', MatMul: 'all', Gemm: 'all', Conv: 'all', ConvTranspose: 'all',
  Sum: 'all', Mean: 'all', Max: 'all', Min: 'all', PRelu: 'all', Clip: 'all', Concat: 'all',
  BatchNormalization: 'all', LayerNormalization: 'all',
  Relu: [0], LeakyRelu: [0], Sigmoid: [0], Tanh: [0], HardSigmoid: [0], HardSwish: [0], Elu: [0], Selu: [0],
  Abs: [0], Neg: [0], Sqrt: [0], Reciprocal: [0], Erf: [0], Exp: [0], Log: [0], Pow: [0, 1],
  Softmax: [0], LogSoftmax: [0], ReduceMean: [0], ReduceSum: [0], ReduceMax: [0], ReduceMin: [0],
  MaxPool: [0], AveragePool: [0], GlobalAveragePool: [0], GlobalMaxPool: [0], Dropout: [0],
  Identity: [0], Flatten: [0], Transpose: [0], Reshape: [0], Squeeze: [0], Unsqueeze: [0],
  Gather: [0], Slice: [0], Expand: [0], Tile: [0], Pad: [0, 2], Where: [1, 2], Split: [0],
};
/** Operators with outputs that are not the converted type (indices, masks). */
const OUTPUTS: Record<string, number[]> = { MaxPool: [0], Dropout: [0] };
/** Operators converted only without their optional statistics outputs (training-mode mean, variance). */
const SINGLE_OUTPUT = new Set(['BatchNormalization', 'LayerNormalization']);

/**
 * Kept in float32 by default: operators whose range or accumulation loses too much in float16
 * (exponentials, logarithms, powers, long sums and normalization statistics).
 */
export const DEFAULT_KEEP_FP32: readonly string[] = [
  'Exp',
  'Log',
  'Pow',
  'ReduceSum',
  'ReduceMean',
  'LayerNormalization',
  'LogSoftmax',
];

/** What {@link convertToFloat16} did. */
export interface Float16Conversion {
  model: ModelProto;
  nodes: number;
  casts: number;
  initializers: number;
  /** Initializer values beyond ±65504, clamped to the float16 range. */
  clamped: number;
}

/**
 * float32 → float16 for the operators that can run in it: their float initializers become float16
 * copies and their float activations float16 values. Graph inputs and outputs keep float32 with
 * Casts inserted at the borders, and so does every value a float32 operator reads. Returns
 * undefined when no operator qualifies.
 */
export function convertToFloat16(
  model: ModelProto,
  keep: ReadonlySet<string> = new Set(DEFAULT_KEEP_FP32),
): Float16Conversion | undefined {
  // Cast before opset 6 takes its target type as a string; models that old are left alone.
  if (defaultOpset(model) < 6) return undefined;
  const copy = cloneModel(model);
  const graph = copy.graph!;
  const types = inferElementTypes(graph);
  const fresh = nameMaker(graph);
  const converted = new Set<NodeProto>();
  for (const node of graph.node) {
    if ((node.domain !== '' && node.domain !== 'ai.onnx') || keep.has(node.opType)) continue;
    const positions = dataInputs(node);
    if (positions.length === 0) continue;
    if (SINGLE_OUTPUT.has(node.opType) && node.output.filter((o) => o !== '').length > 1) continue;
    if (positions.every((i) => types.get(node.input[i]!) === DataType.FLOAT)) converted.add(node);
  }
  if (converted.size === 0) return undefined;

  const readers = consumers(graph);
  const graphOutputs = new Set(graph.output.map((o) => o.name));
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const half = new Map<string, string>();
  const nodes: NodeProto[] = [];
  let casts = 0;
  let halfInitializers = 0;
  let clamped = 0;
  for (const node of graph.node) {
    if (!converted.has(node)) {
      nodes.push(node);
      continue;
    }
    for (const i of dataInputs(node)) {
      const name = node.input[i]!;
      let halfName = half.get(name);
      if (!halfName) {
        halfName = fresh(`${name}_fp16`);
        const initializer = initializers.get(name);
        if (initializer) {
          const made = halfTensor(initializer, halfName);
          graph.initializer.push(made.tensor);
          clamped += made.clamped;
          halfInitializers++;
        } else {
          nodes.push(cast(name, halfName, DataType.FLOAT16, fresh(`${name}_to_fp16`)));
          casts++;
        }
        half.set(name, halfName);
      }
      node.input[i] = halfName;
    }
    nodes.push(node);
    for (const o of OUTPUTS[node.opType] ?? node.output.map((_, i) => i)) {
      const name = node.output[o];
      if (!name) continue;
      const halfName = fresh(`${name}_fp16`);
      node.output[o] = halfName;
      half.set(name, halfName);
      const needsFloat =
        graphOutputs.has(name) ||
        (readers.get(name) ?? []).some(
          (r) =>
            !converted.has(r) || r.input.some((input, i) => input === name && !dataInputs(r).includes(i)),
        );
      if (needsFloat) {
        nodes.push(cast(halfName, name, DataType.FLOAT, fresh(`${name}_to_fp32`)));
        casts++;
      }
    }
  }
  graph.node = nodes;
  removeDeadCode(graph); // float32 originals of converted initializers, stale value_info
  return { model: copy, nodes: converted.size, casts, initializers: halfInitializers, clamped };
}

function dataInputs(node: NodeProto): number[] {
  const spec = DATA_INPUTS[node.opType];
  if (!spec) return [];
  const positions = spec === 'all' ? node.input.map((_, i) => i) : spec;
  return positions.filter((i) => (node.input[i] ?? '') !== '');
}

function cast(from: string, to: string, type: DataType, name: string): NodeProto {
  return makeNode('Cast', [from], [to], { to: { int: type } }, { name });
}

function halfTensor(tensor: TensorProto, name: string): { tensor: TensorProto; clamped: number } {
  const values = tensorValues(tensor) as Float32Array;
  const bits = new Uint16Array(values.length);
  let clamped = 0;
  for (let i = 0; i < values.length; i++) {
    let v = values[i]!;
    if (Math.abs(v) > HALF_MAX && Number.isFinite(v)) {
      v = Math.sign(v) * HALF_MAX;
      clamped++;
    }
    bits[i] = toHalfBits(v);
  }
  return { tensor: makeTensor(name, bits, tensor.dims.map(Number), 'float16'), clamped };
}

/** `fp16`: float16 weights and activations, float32 at the borders and for sensitive operators. */
export const fp16Pass: OptimizationPass = {
  name: 'fp16',
  summary:
    'float32 → float16 weights and activations; inputs/outputs stay float32 (Casts), keep=Op+Op stays float32',
  apply(model, context): PassResult {
    const extra = String(context.options?.keep ?? '')
      .split('+')
      .map((s) => s.trim())
      .filter(Boolean);
    const result = convertToFloat16(model, new Set([...DEFAULT_KEEP_FP32, ...extra]));
    if (!result) return { kind: 'skipped', reason: 'no float32 operator that can run in float16' };
    const notes = [
      `${result.nodes} operator(s) in float16, ${result.initializers} initializer(s) converted, ${result.casts} Cast(s) at the float32 borders`,
    ];
    if (result.clamped > 0) notes.push(`${result.clamped} weight value(s) beyond ±65504 clamped`);
    return { kind: 'changed', model: result.model, notes };
  },
};
