import { buildModel, makeNode, makeTensor, writeModel } from '../../src/core/onnx/index.js';

/**
 * A small logistic-regression-like ONNX model: x[batch, features] → probability[batch, 1]
 * (MatMul + Add + Sigmoid). `weights` changes only the initializers (a patch-level change);
 * `extraOutput` adds the logit as a second output (minor); `inputType` changes the dtype (major).
 */
export function linearModelBytes(
  options: {
    features?: number;
    weights?: number[];
    bias?: number;
    extraOutput?: boolean;
    inputName?: string;
    inputType?: string;
  } = {},
): Uint8Array {
  const features = options.features ?? 4;
  const weights = options.weights ?? Array.from({ length: features }, (_, i) => (i + 1) / 10);
  const inputName = options.inputName ?? 'features';
  const outputs = [{ name: 'probability', elementType: 'float', shape: ['batch', 1] as (string | number)[] }];
  if (options.extraOutput) outputs.push({ name: 'logit', elementType: 'float', shape: ['batch', 1] });
  return writeModel(
    buildModel({
      inputs: [{ name: inputName, elementType: options.inputType ?? 'float', shape: ['batch', features] }],
      outputs,
      initializers: [
        makeTensor('w', new Float32Array(weights), [features, 1]),
        makeTensor('b', new Float32Array([options.bias ?? 0]), [1]),
      ],
      nodes: [
        makeNode('MatMul', [inputName, 'w'], ['xw']),
        makeNode('Add', ['xw', 'b'], ['logit']),
        makeNode('Sigmoid', ['logit'], ['probability']),
      ],
      opsets: { '': 17 },
    }),
  );
}

/**
 * A CSV (columns a, b, c, d and the label) whose label follows the default linearModelBytes()
 * decision, flipped on a `noise` share of rows; seeded, so every run sees the same rows.
 */
export function linearBinaryCsv(options: {
  rows: number;
  seed: number;
  label?: string;
  noise?: number;
}): string {
  let state = options.seed >>> 0;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const noise = options.noise ?? 0.1;
  const lines = [`a,b,c,d,${options.label ?? 'label'}`];
  for (let r = 0; r < options.rows; r++) {
    const x = [0, 1, 2, 3].map(() => Math.round((next() * 2 - 1) * 1e4) / 1e4);
    const logit = 0.1 * x[0]! + 0.2 * x[1]! + 0.3 * x[2]! + 0.4 * x[3]!;
    lines.push([...x, (logit > 0 ? 1 : 0) ^ (next() < noise ? 1 : 0)].join(','));
  }
  return lines.join('\n') + '\n';
}
