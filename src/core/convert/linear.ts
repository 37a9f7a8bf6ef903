import { UsageError } from '../errors.js';
import { buildModel, makeNode, makeTensor, type ModelProto } from '../onnx/index.js';
import { GRAPH_INPUT } from './build-tree-model.js';
import { modelHead } from './model-head.js';

/** The tasks a linear model JSON may declare. */
export const LINEAR_TASKS = ['regression', 'binary', 'multiclass'] as const;

/**
 * A linear or logistic model from a JSON of coefficients:
 * `{ "coefficients": [...] | [[...], ...], "intercept": n | [...], "task": "regression" | "binary" | "multiclass" }`.
 * A matrix of coefficients is [outputs][features], scikit-learn's `coef_` layout.
 */
export function buildLinearModel(
  document: unknown,
  source: string,
  metadata: Record<string, string>,
): ModelProto {
  const doc = (document ?? {}) as Record<string, unknown>;
  const fix =
    'give {"coefficients": [[...]], "intercept": [...], "task": "regression" | "binary" | "multiclass"}';
  const task = String(doc.task ?? 'regression');
  if (!(LINEAR_TASKS as readonly string[]).includes(task)) {
    throw new UsageError(`${source}: task '${task}' is not one we convert`, {
      fix: `use one of ${LINEAR_TASKS.join(', ')}`,
    });
  }
  const raw = doc.coefficients;
  if (!Array.isArray(raw) || raw.length === 0)
    throw new UsageError(`${source}: 'coefficients' is missing or empty`, { fix });
  const rows = (Array.isArray(raw[0]) ? raw : [raw]) as unknown[][];
  const features = rows[0]!.length;
  const outputs = rows.length;
  if (rows.some((r) => !Array.isArray(r) || r.length !== features || r.some((v) => typeof v !== 'number'))) {
    throw new UsageError(`${source}: every row of 'coefficients' must hold ${features} numbers`, { fix });
  }
  const intercept = doc.intercept === undefined ? [0] : [doc.intercept].flat();
  const bias = Array.from({ length: outputs }, (_, i) =>
    Number(intercept.length === 1 ? intercept[0] : intercept[i]),
  );
  if (bias.some((b) => !Number.isFinite(b)) || (intercept.length !== 1 && intercept.length !== outputs)) {
    throw new UsageError(`${source}: 'intercept' must be one number or ${outputs}`, { fix });
  }
  if (task === 'binary' && outputs !== 1) {
    throw new UsageError(`${source}: a binary model has one row of coefficients, not ${outputs}`, {
      fix: 'use task "multiclass" for one row per class',
    });
  }
  if (task === 'multiclass' && outputs < 2) {
    throw new UsageError(`${source}: a multiclass model needs one row of coefficients per class`, { fix });
  }
  // MatMul wants [features, outputs]: transpose scikit-learn's [outputs, features].
  const weights = new Float32Array(features * outputs);
  rows.forEach((row, o) => row.forEach((v, f) => (weights[f * outputs + o] = v as number)));
  const head = modelHead('margin', { task: task as 'regression', width: outputs });
  return buildModel({
    inputs: [{ name: GRAPH_INPUT, elementType: 'float', shape: ['N', features] }],
    outputs: head.outputs,
    nodes: [
      makeNode('MatMul', [GRAPH_INPUT, 'coefficients'], ['product']),
      makeNode('Add', ['product', 'intercept'], ['margin']),
      ...head.nodes,
    ],
    initializers: [
      makeTensor('coefficients', weights, [features, outputs], 'float'),
      makeTensor('intercept', new Float32Array(bias), [outputs], 'float'),
      ...head.initializers,
    ],
    graphName: 'linear',
    metadata,
  });
}
