import { buildModel, makeNode, makeTensor, writeModel } from '../core/onnx/index.js';
import type { LogisticModel } from './train-logistic.js';

/**
 * Writes a trained logistic regression as ONNX with our own writer:
 * features[batch, F] → MatMul → Add → Sigmoid → churn_probability[batch, 1].
 * `withLogit` also exposes the pre-sigmoid score: a new output, so `version` bumps minor.
 */
export function logisticToOnnx(
  model: LogisticModel,
  featureNames: readonly string[],
  options: { withLogit?: boolean } = {},
): Uint8Array {
  const features = model.weights.length;
  const outputs = [
    { name: 'churn_probability', elementType: 'float', shape: ['batch', 1] as (string | number)[] },
  ];
  if (options.withLogit) outputs.push({ name: 'logit', elementType: 'float', shape: ['batch', 1] });
  return writeModel(
    buildModel({
      inputs: [{ name: 'features', elementType: 'float', shape: ['batch', features] }],
      outputs,
      initializers: [
        makeTensor('coefficients', new Float32Array(model.weights), [features, 1]),
        makeTensor('intercept', new Float32Array([model.bias]), [1]),
      ],
      nodes: [
        makeNode('MatMul', ['features', 'coefficients'], ['scaled']),
        makeNode('Add', ['scaled', 'intercept'], ['logit']),
        makeNode('Sigmoid', ['logit'], ['churn_probability']),
      ],
      opsets: { '': 17 },
      metadata: { features: featureNames.join(','), trainer: 'modelops demo logistic regression' },
    }),
  );
}
