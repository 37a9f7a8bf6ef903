import type { Column } from '../../core/data/types.js';
import { UsageError } from '../../core/errors.js';
import type { Batch, Task } from '../../core/evaluate/index.js';
import type { ModelRuntime, RuntimeTensor } from '../../platform/runtime/index.js';
import { numericReader, rowNumber, rowSize, type DataLocation } from './column-values.js';

/** How a model's output turns into predictions: which output, which task, how many classes. */
export interface Scoring {
  task: Task;
  output: string;
  /** Classes (binary: 2, multiclass: k) or labels (multilabel: L); undefined for regression. */
  width: number | undefined;
}

const FLOAT_TYPES = new Set(['float', 'double', 'float16']);

/**
 * The output that is scored: the one asked for, else the first tensor output with a floating-point
 * element type (probabilities, scores or regression values: scikit-learn converters put the
 * integer `label` first and `probabilities` second), else the first tensor output.
 */
export function selectOutput(runtime: ModelRuntime, requested: string | undefined, source: string): string {
  const tensors = runtime.outputs.filter((o) => o.isTensor);
  if (requested) {
    const found = runtime.outputs.find((o) => o.name === requested);
    if (!found || !found.isTensor) {
      throw new UsageError(
        `${source} has no tensor output '${requested}'; its tensor outputs are ${tensors.map((o) => o.name).join(', ') || 'none'}`,
        { fix: 'pass --output with one of those names' },
      );
    }
    return requested;
  }
  const chosen = tensors.find((o) => FLOAT_TYPES.has(o.elementType ?? '')) ?? tensors[0];
  if (!chosen) {
    throw new UsageError(`${source} has no tensor output (only sequences or maps)`, {
      fix: 'convert the classifier without ZipMap (skl2onnx: options={"zipmap": False})',
    });
  }
  return chosen.name;
}

/** Rows × columns of an output tensor: [n] and [n, 1] have one column, [n, k] has k. */
function outputWidth(tensor: RuntimeTensor, name: string): number {
  const [, second, ...rest] = tensor.dims;
  if (tensor.dims.length > 2 || rest.length > 0) {
    throw new UsageError(
      `output '${name}' has shape [${tensor.dims.join(', ')}]; evaluate scores outputs of shape [batch] or [batch, k]`,
      { fix: 'pass --output with a per-row score or value output' },
    );
  }
  return second ?? 1;
}

/**
 * The task when neither the flags nor the dataset name one, from the first batch: k ≥ 3 score
 * columns → multiclass; 2 → binary (column 1 is the positive class); one column → binary when it
 * is an integer label or a probability (values in [0, 1]) and every label is 0 or 1, else regression.
 * Multilabel is never guessed.
 */
export function inferTask(tensor: RuntimeTensor, name: string, labels: Column, where: DataLocation): Task {
  const width = outputWidth(tensor, name);
  if (width >= 3) return 'multiclass';
  if (width === 2) return 'binary';
  const read = numericReader(labels, where);
  let binaryLabels = rowSize(labels) === 1;
  for (let i = 0; binaryLabels && i < labels.data.length; i++) {
    const v = read(i);
    binaryLabels = v === 0 || v === 1;
  }
  if (!binaryLabels) return 'regression';
  if (!FLOAT_TYPES.has(tensor.elementType)) return 'binary';
  const values = tensor.data as ArrayLike<number>;
  for (let i = 0; i < values.length; i++) if (!(values[i]! >= 0 && values[i]! <= 1)) return 'regression';
  return 'binary';
}

/** Fixes the width (classes or labels) from the first batch's output. */
export function scoringFor(task: Task, output: string, tensor: RuntimeTensor): Scoring {
  const width = outputWidth(tensor, output);
  if (task === 'regression') return { task, output, width: undefined };
  if (task === 'binary') {
    if (width > 2) {
      throw new UsageError(`task is binary but output '${output}' has ${width} columns`, {
        fix: 'pass --task multiclass, or --output with the positive-class probability',
      });
    }
    return { task, output, width: 2 };
  }
  if (task === 'multiclass' && width < 2) {
    throw new UsageError(
      `task is multiclass but output '${output}' has one column; evaluate needs one probability column per class`,
      { fix: 'pass --output with the probabilities output (shape [batch, k])' },
    );
  }
  return { task, output, width };
}

/** Labels of a batch as the core wants them, checked and named by row and column when wrong. */
export function readLabels(scoring: Scoring, column: Column, where: DataLocation): Batch['yTrue'] {
  const read = numericReader(column, where);
  const size = rowSize(column);
  const rows = where.batch.rows;
  const bad = (index: number, value: number, expected: string) =>
    new UsageError(
      `${where.file}: row ${rowNumber(where, column, index)}, label column '${column.name}': ${Number.isNaN(value) ? 'missing' : value} is not ${expected}`,
      { fix: 'fix or drop that row; check --label-column and --task' },
    );
  if (scoring.task === 'multilabel') {
    if (size !== scoring.width) {
      throw new UsageError(
        `label column '${column.name}' holds ${size} value(s) per row but the model scores ${scoring.width} labels`,
        { fix: 'give the label as an array of 0/1 per label (NPY/NPZ column of shape [rows, L])' },
      );
    }
    return Array.from({ length: rows }, (_, r) =>
      Array.from({ length: size }, (_, j) => {
        const v = read(r * size + j);
        if (v !== 0 && v !== 1) throw bad(r * size + j, v, '0 or 1');
        return v;
      }),
    );
  }
  if (size !== 1) {
    throw new UsageError(
      `label column '${column.name}' holds ${size} values per row; ${scoring.task} needs one`,
      {
        fix: 'pass --task multilabel, or name a scalar label column',
      },
    );
  }
  const labels = new Array<number>(rows);
  for (let r = 0; r < rows; r++) {
    const v = read(r);
    if (scoring.task === 'regression') {
      if (!Number.isFinite(v)) throw bad(r, v, 'a finite number');
    } else if (!(Number.isInteger(v) && v >= 0 && v < scoring.width!)) {
      throw bad(r, v, `a class index 0..${scoring.width! - 1}`);
    }
    labels[r] = v;
  }
  return labels;
}

/** The model's output for a batch as yScore (probabilities) or yPred (labels, values). */
export function readPredictions(scoring: Scoring, tensor: RuntimeTensor, rows: number): Omit<Batch, 'yTrue'> {
  const width = outputWidth(tensor, scoring.output);
  if (tensor.dims[0] !== rows) {
    throw new UsageError(`output '${scoring.output}' has ${tensor.dims[0]} rows for a batch of ${rows}`, {
      fix: 'export the model with a batch dimension on its inputs and outputs',
    });
  }
  const float = FLOAT_TYPES.has(tensor.elementType);
  // Float outputs are read in place (rows are views of the tensor); 64-bit integers become numbers.
  const values: ArrayLike<number> =
    tensor.data instanceof BigInt64Array || tensor.data instanceof BigUint64Array
      ? Array.from(tensor.data, Number)
      : (tensor.data as ArrayLike<number>);
  if (scoring.task === 'regression') {
    if (width !== 1) {
      throw new UsageError(
        `regression scores one value per row but output '${scoring.output}' has ${width}`,
        {
          fix: 'pass --output with the prediction output',
        },
      );
    }
    return { yPred: Array.from(values) };
  }
  if (scoring.task === 'binary') {
    const column = new Array<number>(rows);
    for (let r = 0; r < rows; r++) column[r] = values[r * width + width - 1]!;
    return float ? { yScore: column } : { yPred: column };
  }
  if (width !== scoring.width) {
    throw new UsageError(
      `output '${scoring.output}' has ${width} columns; the first batch had ${scoring.width}`,
      {
        fix: 'the output width must be the same for every batch',
      },
    );
  }
  const matrix = new Array<ArrayLike<number>>(rows);
  for (let r = 0; r < rows; r++) matrix[r] = rowView(values, r * width, (r + 1) * width);
  return float ? { yScore: matrix } : { yPred: matrix };
}

function rowView(values: ArrayLike<number>, start: number, end: number): ArrayLike<number> {
  return ArrayBuffer.isView(values)
    ? (values as unknown as Float32Array).subarray(start, end)
    : Array.prototype.slice.call(values, start, end);
}

/** Per-row values paired tests compare: 1/0 correct for classifiers, absolute error for regression. */
export function perRowValues(scoring: Scoring, batch: Batch, threshold = 0.5): number[] {
  const truth = batch.yTrue as readonly (number | ArrayLike<number>)[];
  const predicted = (batch.yScore ?? batch.yPred) as readonly (number | ArrayLike<number>)[];
  return truth.map((t, i) => {
    const p = predicted[i]!;
    if (scoring.task === 'regression') return Math.abs((p as number) - (t as number));
    if (scoring.task === 'binary') {
      const label = batch.yScore ? ((p as number) > threshold ? 1 : 0) : (p as number);
      return label === t ? 1 : 0;
    }
    if (scoring.task === 'multiclass') {
      const row = p as ArrayLike<number>;
      const label = batch.yScore ? argmax(row) : (row[0] ?? -1);
      return label === t ? 1 : 0;
    }
    const row = Array.from(p as ArrayLike<number>);
    const labels = row.map((v) => (batch.yScore ? (v > threshold ? 1 : 0) : v));
    return labels.every((v, j) => v === (t as readonly number[])[j]) ? 1 : 0;
  });
}

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}
