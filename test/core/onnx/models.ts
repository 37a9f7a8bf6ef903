// Model factories shared by the onnx and runtime tests: small models with known weights, so
// tests can assert exact outputs computed by hand.
import { buildModel, makeNode, makeTensor, type ModelSpec } from '../../../src/core/onnx/builder.js';

/** Weights of the logistic regression below: p = sigmoid(x·W + b). */
export const LOGREG = { W: [0.5, -1, 2], b: 0.1 };

/** p = Sigmoid(MatMul(x, W) + b) with a symbolic batch dim. */
export function makeLogisticRegression(overrides: Partial<ModelSpec> = {}) {
  return buildModel({
    graphName: 'logreg',
    inputs: [{ name: 'x', elementType: 'float', shape: ['batch', 3] }],
    outputs: [{ name: 'p', elementType: 'float', shape: ['batch', 1] }],
    initializers: [
      makeTensor('W', new Float32Array(LOGREG.W), [3, 1]),
      makeTensor('b', new Float32Array([LOGREG.b]), [1]),
    ],
    nodes: [
      makeNode('MatMul', ['x', 'W'], ['z']),
      makeNode('Add', ['z', 'b'], ['logit']),
      makeNode('Sigmoid', ['logit'], ['p']),
    ],
    metadata: { task: 'binary-classification' },
    ...overrides,
  });
}

/** Expected probabilities, computed in float64. */
export function logisticRegressionExpected(rows: number[][]): number[] {
  return rows.map((r) => 1 / (1 + Math.exp(-(r.reduce((s, v, i) => s + v * LOGREG.W[i]!, 0) + LOGREG.b))));
}

/** A 4 → hidden → 2 MLP of Gemm + Relu + Softmax with deterministic weights. */
export function makeMlp(hidden = 3, overrides: Partial<ModelSpec> = {}) {
  const w1 = Float32Array.from({ length: hidden * 4 }, (_, i) => ((i % 7) - 3) / 10);
  const w2 = Float32Array.from({ length: 2 * hidden }, (_, i) => ((i % 5) - 2) / 5);
  return buildModel({
    inputs: [{ name: 'features', elementType: 'float', shape: ['N', 4] }],
    outputs: [{ name: 'probabilities', elementType: 'float', shape: ['N', 2] }],
    initializers: [
      makeTensor('W1', w1, [hidden, 4]),
      makeTensor('B1', new Float32Array(hidden).fill(0.05), [hidden]),
      makeTensor('W2', w2, [2, hidden]),
      makeTensor('B2', new Float32Array([0.1, -0.1]), [2]),
    ],
    nodes: [
      makeNode('Gemm', ['features', 'W1', 'B1'], ['h'], { transB: { int: 1 }, alpha: { float: 1 } }),
      makeNode('Relu', ['h'], ['a']),
      makeNode('Gemm', ['a', 'W2', 'B2'], ['logits'], { transB: { int: 1 } }),
      makeNode('Softmax', ['logits'], ['probabilities'], { axis: { int: 1 } }),
    ],
    ...overrides,
  });
}

/** Reference forward pass of makeMlp in float64. */
export function mlpExpected(rows: number[][], hidden = 3): number[][] {
  const w1 = Array.from({ length: hidden * 4 }, (_, i) => Math.fround(((i % 7) - 3) / 10));
  const w2 = Array.from({ length: 2 * hidden }, (_, i) => Math.fround(((i % 5) - 2) / 5));
  return rows.map((x) => {
    const a = Array.from({ length: hidden }, (_, j) =>
      Math.max(
        0,
        x.reduce((s, v, k) => s + v * w1[j * 4 + k]!, Math.fround(0.05)),
      ),
    );
    const logits = [0, 1].map((c) =>
      a.reduce((s, v, j) => s + v * w2[c * hidden + j]!, Math.fround(c === 0 ? 0.1 : -0.1)),
    );
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    return e.map((v) => v / (e[0]! + e[1]!));
  });
}

/** Three-class ai.onnx.ml LinearClassifier (softmax) followed by ZipMap, as skl2onnx emits. */
export const LINEAR = {
  coefficients: [1, 0, 0, 1, -1, -1],
  intercepts: [0, 0.5, -0.5],
  labels: [10, 20, 30],
};

export function makeLinearClassifierZipMap() {
  return buildModel({
    inputs: [{ name: 'X', elementType: 'float', shape: [null, 2] }],
    outputs: [
      { name: 'label', elementType: 'int64', shape: [null] },
      { name: 'probabilities', sequence: { map: { key: 'int64', value: { elementType: 'float' } } } },
    ],
    nodes: [
      makeNode(
        'LinearClassifier',
        ['X'],
        ['label', 'scores'],
        {
          coefficients: { floats: LINEAR.coefficients },
          intercepts: { floats: LINEAR.intercepts },
          classlabels_ints: { ints: LINEAR.labels },
          post_transform: 'SOFTMAX',
          multi_class: { int: 1 },
        },
        { domain: 'ai.onnx.ml' },
      ),
      makeNode(
        'ZipMap',
        ['scores'],
        ['probabilities'],
        { classlabels_int64s: { ints: LINEAR.labels } },
        { domain: 'ai.onnx.ml' },
      ),
    ],
    opsets: { '': 17, 'ai.onnx.ml': 3 },
  });
}

/** Same classifier without ZipMap: label and the score matrix, both tensors. */
export function makeLinearClassifier() {
  const model = makeLinearClassifierZipMap();
  const graph = model.graph!;
  graph.node.pop();
  graph.output[1] = buildModel({
    inputs: [],
    nodes: [],
    outputs: [{ name: 'scores', elementType: 'float', shape: [null, 3] }],
  }).graph!.output[0]!;
  return model;
}
