import { makeNode, makeTensor, type NodeProto, type TensorProto, type ValueSpec } from '../onnx/index.js';

/** What the margin turns into: the task and, for regression, the inverse link. */
export interface HeadSpec {
  task: 'regression' | 'binary' | 'multiclass';
  /** Regression only: the link applied to the margin. */
  link?: 'identity' | 'logistic' | 'exp' | 'softmax';
  /** Margin columns (classes of a multiclass model; 1 for binary). */
  width: number;
}

export interface Head {
  nodes: NodeProto[];
  initializers: TensorProto[];
  outputs: ValueSpec[];
}

const BATCH = 'N';

/**
 * The ONNX operators after a model's raw margin. Outputs follow the convention evaluate reads:
 * regression `variable` float [N, width]; classifiers `label` int64 [N] and `probabilities` float
 * [N, classes] (binary: [1 − p, p], label = p > 0.5 as XGBoost and scikit-learn decide it).
 */
export function modelHead(margin: string, spec: HeadSpec): Head {
  if (spec.task === 'binary') {
    return {
      nodes: [
        makeNode('Sigmoid', [margin], ['positive']),
        makeNode('Sub', ['one', 'positive'], ['negative']),
        makeNode('Concat', ['negative', 'positive'], ['probabilities'], { axis: { int: 1 } }),
        makeNode('Greater', ['positive', 'half'], ['is_positive']),
        makeNode('Reshape', ['is_positive', 'flat'], ['is_positive_flat']),
        makeNode('Cast', ['is_positive_flat'], ['label'], { to: { int: 7 } }),
      ],
      initializers: [
        makeTensor('one', new Float32Array([1]), [], 'float'),
        makeTensor('half', new Float32Array([0.5]), [], 'float'),
        makeTensor('flat', new BigInt64Array([-1n]), [1], 'int64'),
      ],
      outputs: classifierOutputs(2),
    };
  }
  if (spec.task === 'multiclass') {
    return {
      nodes: [
        makeNode('Softmax', [margin], ['probabilities'], { axis: { int: 1 } }),
        makeNode('ArgMax', [margin], ['label'], { axis: { int: 1 }, keepdims: { int: 0 } }),
      ],
      initializers: [],
      outputs: classifierOutputs(spec.width),
    };
  }
  const op = { identity: 'Identity', logistic: 'Sigmoid', exp: 'Exp', softmax: 'Softmax' }[
    spec.link ?? 'identity'
  ];
  return {
    nodes: [makeNode(op, [margin], ['variable'], op === 'Softmax' ? { axis: { int: 1 } } : {})],
    initializers: [],
    outputs: [{ name: 'variable', elementType: 'float', shape: [BATCH, spec.width] }],
  };
}

function classifierOutputs(classes: number): ValueSpec[] {
  return [
    { name: 'label', elementType: 'int64', shape: [BATCH] },
    { name: 'probabilities', elementType: 'float', shape: [BATCH, classes] },
  ];
}
