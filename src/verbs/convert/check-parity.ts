import { UsageError } from '../../core/errors.js';
import {
  compareOutputs,
  GRAPH_INPUT,
  summarizeParity,
  toleranceFor,
  type Matrix,
  type ParitySummary,
  type Tolerances,
} from '../../core/convert/index.js';
import type { CreateSession, RuntimeTensor } from '../../platform/runtime/index.js';
import type { NamedMatrices } from './read-matrix.js';

const BATCH_ROWS = 16_384;

/**
 * Runs the converted model on the parity features and compares its outputs with the reference.
 * A reference whose arrays are named after model outputs (an NPZ of probabilities=…, label=…)
 * compares each of those outputs, each with its own tolerance. Otherwise the reference is one
 * matrix compared with one output: `probabilities` when the reference has one column per class,
 * its positive-class column when a two-class reference has one column, `label` for one column of a
 * multiclass model (multi:softmax predictions), else the first output of that width.
 */
export async function checkParity(params: {
  modelPath: string;
  features: Matrix;
  reference: NamedMatrices;
  tolerances: Tolerances;
  createSession: CreateSession;
}): Promise<ParitySummary> {
  const { features, tolerances } = params;
  const reference = params.reference.whole;
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
    const unknown = Object.keys(tolerances.byOutput).filter(
      (n) => !(n in outputs) && !(n.replace(/\[.*\]$/, '') in outputs),
    );
    if (unknown.length > 0) {
      throw new UsageError(`--tolerance names ${unknown.join(', ')}, which the model does not output`, {
        fix: `name the model's outputs: ${Object.keys(outputs).join(', ')}`,
      });
    }
    const named = [...params.reference.byName.keys()];
    if (named.length > 0 && named.every((n) => n in outputs)) {
      return summarizeParity(
        named.map((name) => {
          const expected = params.reference.byName.get(name)!;
          if (expected.width !== widths[name]) {
            throw new UsageError(
              `reference '${name}' has ${expected.width} columns but the model's ${name} has ${widths[name]}`,
              { fix: `give ${name} as the model predicts it, one row of ${widths[name]} values per row` },
            );
          }
          const actual = { rows: features.rows, width: widths[name]!, data: outputs[name]! };
          return compareOutputs(name, actual, expected, toleranceFor(tolerances, name));
        }),
      );
    }
    const [name, actual] = pickOutput(outputs, widths, reference.width, features.rows);
    return summarizeParity([compareOutputs(name, actual, reference, toleranceFor(tolerances, name))]);
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
