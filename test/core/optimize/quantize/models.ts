// Small models for the quantization passes, built with our builder from seeded weights, and a
// runner that executes them in onnxruntime-node.
import {
  buildModel,
  makeNode,
  makeTensor,
  writeModel,
  type ModelProto,
} from '../../../../src/core/onnx/index.js';
import { createSession, flatValues } from '../../../../src/platform/runtime/index.js';
import type { CalibrationFeed } from '../../../../src/core/optimize/pass.js';

/** Deterministic values in [-scale, scale] (a small LCG, so tests need no seeds library). */
export function seeded(length: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return ((state / 2 ** 32) * 2 - 1) * scale;
  });
}

/** features[N,16] → Gemm(transB) 64 → Relu → MatMul 64x32 + Add → Relu → Gemm 4 → Softmax. */
export function makeQuantMlp(opset = 17): ModelProto {
  return buildModel({
    inputs: [{ name: 'features', elementType: 'float', shape: ['N', 16] }],
    outputs: [{ name: 'probabilities', elementType: 'float', shape: ['N', 4] }],
    initializers: [
      makeTensor('W1', seeded(64 * 16, 1, 0.4), [64, 16]),
      makeTensor('B1', seeded(64, 2, 0.1), [64]),
      makeTensor('W2', seeded(64 * 32, 3, 0.3), [64, 32]),
      makeTensor('B2', seeded(32, 4, 0.1), [32]),
      makeTensor('W3', seeded(32 * 4, 5, 0.5), [32, 4]),
      makeTensor('B3', seeded(4, 6, 0.1), [4]),
    ],
    nodes: [
      makeNode('Gemm', ['features', 'W1', 'B1'], ['h1'], { transB: { int: 1 } }),
      makeNode('Relu', ['h1'], ['a1']),
      makeNode('MatMul', ['a1', 'W2'], ['m2']),
      makeNode('Add', ['m2', 'B2'], ['h2']),
      makeNode('Relu', ['h2'], ['a2']),
      makeNode('Gemm', ['a2', 'W3', 'B3'], ['logits'], { alpha: { float: 0.5 }, beta: { float: 2 } }),
      makeNode('Softmax', ['logits'], ['probabilities'], { axis: { int: 1 } }),
    ],
    opsets: { '': opset },
  });
}

/** image[N,3,8,8] → Conv 8x3x3x3 (+bias) → Relu → Conv 4x8x1x1 → GlobalAveragePool → Flatten. */
export function makeQuantCnn(): ModelProto {
  return buildModel({
    inputs: [{ name: 'image', elementType: 'float', shape: ['N', 3, 8, 8] }],
    outputs: [{ name: 'scores', elementType: 'float', shape: ['N', 4] }],
    initializers: [
      makeTensor('K1', seeded(8 * 3 * 3 * 3, 7, 0.3), [8, 3, 3, 3]),
      makeTensor('C1', seeded(8, 8, 0.1), [8]),
      makeTensor('K2', seeded(4 * 8, 9, 0.4), [4, 8, 1, 1]),
    ],
    nodes: [
      makeNode('Conv', ['image', 'K1', 'C1'], ['c1'], { pads: { ints: [1, 1, 1, 1] } }),
      makeNode('Relu', ['c1'], ['r1']),
      makeNode('Conv', ['r1', 'K2'], ['c2']),
      makeNode('GlobalAveragePool', ['c2'], ['g']),
      makeNode('Flatten', ['g'], ['scores']),
    ],
  });
}

/** A one-tree ensemble (ai.onnx.ml): nothing a quantization pass can work on. */
export function makeTree(): ModelProto {
  return buildModel({
    inputs: [{ name: 'x', elementType: 'float', shape: ['N', 2] }],
    outputs: [{ name: 'y', elementType: 'float', shape: ['N', 1] }],
    nodes: [
      makeNode(
        'TreeEnsembleRegressor',
        ['x'],
        ['y'],
        {
          n_targets: { int: 1 },
          nodes_treeids: { ints: [0, 0, 0] },
          nodes_nodeids: { ints: [0, 1, 2] },
          nodes_featureids: { ints: [0, 0, 0] },
          nodes_values: { floats: [0.5, 0, 0] },
          nodes_modes: ['BRANCH_LEQ', 'LEAF', 'LEAF'],
          nodes_truenodeids: { ints: [1, 0, 0] },
          nodes_falsenodeids: { ints: [2, 0, 0] },
          target_treeids: { ints: [0, 0] },
          target_nodeids: { ints: [1, 2] },
          target_ids: { ints: [0, 0] },
          target_weights: { floats: [-1, 1] },
        },
        { domain: 'ai.onnx.ml' },
      ),
    ],
    opsets: { '': 17, 'ai.onnx.ml': 3 },
  });
}

/** Runs a model on float inputs and returns its first output's values. */
export async function runFloat(
  model: ModelProto,
  inputs: Record<string, { dims: number[]; data: Float32Array }>,
): Promise<Float32Array> {
  const session = await createSession(writeModel(model));
  try {
    const feeds = Object.fromEntries(
      Object.entries(inputs).map(([name, t]) => [name, { elementType: 'float', dims: t.dims, data: t.data }]),
    );
    const result = await session.run(feeds);
    return Float32Array.from(flatValues(result[session.outputNames[0]!]!) as number[]);
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/**
 * The PassContext.observe the optimize verb provides, done here with onnxruntime: the requested
 * intermediate values become extra graph outputs of a copy of the model.
 */
export async function observeWithOrt(
  model: ModelProto,
  feeds: readonly CalibrationFeed[],
  names: readonly string[],
): Promise<Map<string, Float32Array[]>> {
  const { clone, create } = await import('@bufbuild/protobuf');
  const { ModelProtoSchema, ValueInfoProtoSchema } = await import('onnx-buf');
  const copy = clone(ModelProtoSchema, model);
  const existing = new Set(copy.graph!.output.map((o) => o.name));
  for (const name of names)
    if (!existing.has(name)) copy.graph!.output.push(create(ValueInfoProtoSchema, { name }));
  const session = await createSession(writeModel(copy));
  const seen = new Map<string, Float32Array[]>(names.map((n) => [n, []]));
  try {
    for (const feed of feeds) {
      const ortFeeds = Object.fromEntries(
        Object.entries(feed).map(([name, t]) => [
          name,
          {
            elementType:
              t.data instanceof Float32Array ? 'float' : t.data instanceof Int32Array ? 'int32' : 'int64',
            dims: t.dims,
            data: t.data,
          },
        ]),
      );
      const result = await session.run(ortFeeds, names);
      for (const name of names) seen.get(name)!.push(result[name]!.data as Float32Array);
    }
  } finally {
    await session.release();
  }
  return seen;
}
