import { buildModel, makeNode, makeTensor, type ModelProto } from '../../../src/core/onnx/index.js';

/** Deterministic pseudo-random floats in [-1, 1). */
export function randoms(count: number, seed = 1): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  });
}

/**
 * A small MLP: x[batch, 8] → MatMul+Add → Relu → MatMul+Add → Softmax → probabilities[batch, 3],
 * plus `label` (ArgMax, int64). `extras` adds a dead branch and an unused initializer.
 */
export function makeMlp(options: { seed?: number; extras?: boolean; hidden?: number } = {}): ModelProto {
  const seed = options.seed ?? 1;
  const hidden = options.hidden ?? 16;
  const nodes = [
    makeNode('MatMul', ['x', 'w1'], ['h1']),
    makeNode('Add', ['h1', 'b1'], ['h1b']),
    makeNode('Relu', ['h1b'], ['h1r']),
    makeNode('MatMul', ['h1r', 'w2'], ['logits']),
    makeNode('Add', ['logits', 'b2'], ['scores']),
    makeNode('Softmax', ['scores'], ['probabilities'], { axis: { int: -1 } }),
    makeNode('ArgMax', ['scores'], ['label'], { axis: { int: -1 }, keepdims: { int: 0 } }),
  ];
  const initializers = [
    makeTensor('w1', randoms(8 * hidden, seed), [8, hidden]),
    makeTensor('b1', randoms(hidden, seed + 1), [hidden]),
    makeTensor('w2', randoms(hidden * 3, seed + 2), [hidden, 3]),
    makeTensor('b2', randoms(3, seed + 3), [3]),
  ];
  if (options.extras) {
    nodes.splice(
      3,
      0,
      makeNode('Tanh', ['h1r'], ['unused_branch']),
      makeNode('Mul', ['unused_branch', 'w_dead'], ['dead2']),
    );
    initializers.push(
      makeTensor('w_dead', randoms(hidden, 9), [hidden]),
      makeTensor('never_read', randoms(4, 7), [4]),
    );
  }
  return buildModel({
    inputs: [{ name: 'x', elementType: 'float', shape: ['batch', 8] }],
    outputs: [
      { name: 'probabilities', elementType: 'float', shape: ['batch', 3] },
      { name: 'label', elementType: 'int64', shape: ['batch'] },
    ],
    nodes,
    initializers,
    opsets: { '': 17 },
  });
}

/** A small CNN: image[batch, 1, 8, 8] → Conv → Relu → MaxPool → Flatten → Gemm → y[batch, 2]. */
export function makeCnn(): ModelProto {
  return buildModel({
    inputs: [{ name: 'image', elementType: 'float', shape: ['batch', 1, 8, 8] }],
    outputs: [{ name: 'y', elementType: 'float', shape: ['batch', 2] }],
    nodes: [
      makeNode('Conv', ['image', 'k', 'kb'], ['c'], { pads: { ints: [1, 1, 1, 1] } }),
      makeNode('Relu', ['c'], ['r']),
      makeNode('MaxPool', ['r'], ['p'], { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } }),
      makeNode('Flatten', ['p'], ['f']),
      makeNode('Gemm', ['f', 'fc', 'fcb'], ['y'], { transB: { int: 1 } }),
    ],
    initializers: [
      makeTensor('k', randoms(4 * 9, 3), [4, 1, 3, 3]),
      makeTensor('kb', randoms(4, 4), [4]),
      makeTensor('fc', randoms(2 * 64, 5), [2, 64]),
      makeTensor('fcb', randoms(2, 6), [2]),
    ],
    opsets: { '': 17 },
  });
}
