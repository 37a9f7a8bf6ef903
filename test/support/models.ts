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
