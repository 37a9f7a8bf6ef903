import { UsageError } from '../../core/errors.js';
import { compareOutputs, GRAPH_INPUT, type Matrix, type ParityReport } from '../../core/convert/index.js';
import type { CreateSession, RuntimeTensor } from '../../platform/runtime/index.js';

const BATCH_ROWS = 16_384;

/**
 * Runs the converted model on the parity features and compares one of its outputs with the
 * reference. Which output: `probabilities` when the reference has one column per class, its
 * positive-class column when a two-class reference has one column, `label` for one column of a
 * multiclass model (multi:softmax predictions), else the first output.
 */
export async function checkParity(params: {
  modelPath: string;
  features: Matrix;
  reference: Matrix;
  tolerance: number;
  createSession: CreateSession;
}): Promise<ParityReport> {
  const { features, reference } = params;
  if (features.rows !== reference.rows) {
    throw new UsageError(`parity-data has ${features.rows} rows but reference has ${reference.rows}`, {
      fix: 'give one reference row per parity-data row',
    });
  }
  const session = await params.createSession(params.modelPath);
  try {
    const input = session.inputs.find((i) => i.name === GRAPH_INPUT) ?? session.inputs[0]!;
    const expectedWidth = Number(input.shape?.[1]);
    if (features.width !== expectedWidth) {
      throw new UsageError(
        `parity-data has ${features.width} features per row but the model takes ${expectedWidth}`,
        { fix: 'give exactly the model’s feature columns, in training order (drop label and id columns)' },
      );
    }
    const outputs: Record<string, Float64Array> = {};
    const widths: Record<string, number> = {};
    for (let start = 0; start < features.rows; start += BATCH_ROWS) {
      const rows = Math.min(BATCH_ROWS, features.rows - start);
      const data = Float32Array.from(
        { length: rows * features.width },
        (_, i) => features.data[start * features.width + i]!,
      );
      const feed: RuntimeTensor = { elementType: 'float', dims: [rows, features.width], data };
      const result = await session.run({ [input.name]: feed });
      for (const [name, tensor] of Object.entries(result)) {
        const width = tensor.dims.length > 1 ? tensor.dims.slice(1).reduce((n, d) => n * d, 1) : 1;
        widths[name] = width;
        outputs[name] ??= new Float64Array(features.rows * width);
        const values = tensor.data as ArrayLike<number | bigint>;
        for (let i = 0; i < rows * width; i++) outputs[name][start * width + i] = Number(values[i]!);
      }
    }
    const [name, actual] = pickOutput(outputs, widths, reference.width, features.rows);
    return compareOutputs(name, actual, reference, params.tolerance);
  } finally {
    await session.release();
  }
}

function pickOutput(
  outputs: Record<string, Float64Array>,
  widths: Record<string, number>,
  referenceWidth: number,
  rows: number,
): [string, Matrix] {
  const whole = (name: string): [string, Matrix] => [
    name,
    { rows, width: widths[name]!, data: outputs[name]! },
  ];
  const probabilities = outputs.probabilities;
  if (probabilities) {
    const classes = widths.probabilities!;
    if (referenceWidth === classes) return whole('probabilities');
    if (referenceWidth === 1 && classes === 2) {
      const positive = Float64Array.from({ length: rows }, (_, r) => probabilities[r * 2 + 1]!);
      return ['probabilities[:, 1]', { rows, width: 1, data: positive }];
    }
    if (referenceWidth === 1 && outputs.label) return whole('label');
  }
  const first = Object.keys(outputs).find((n) => widths[n] === referenceWidth);
  if (!first) {
    throw new UsageError(
      `reference has ${referenceWidth} columns but no model output has that width (${Object.entries(widths)
        .map(([n, w]) => `${n}: ${w}`)
        .join(', ')})`,
      { fix: 'give the reference outputs the model predicts (probabilities, labels or values)' },
    );
  }
  return whole(first);
}
