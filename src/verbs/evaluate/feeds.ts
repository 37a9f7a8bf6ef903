import type { DataBatch } from '../../core/data/types.js';
import { UsageError } from '../../core/errors.js';
import type { RuntimeTensor, RuntimeValueInfo } from '../../platform/runtime/index.js';
import { typedArrayFor } from '../../platform/runtime/index.js';
import { columnOf, numericReader, rowSize, type DataLocation } from './column-values.js';

/** Which columns feed one model input, in order. */
export interface InputFeed {
  input: string;
  elementType: string;
  columns: string[];
  /** The model's declared shape of the input (undefined when unknown). */
  shape: (number | string | null)[] | undefined;
}

/** What the dataset declares about its columns (from modelops.yaml or flags). */
export interface ColumnMapping {
  labelColumn: string;
  features: string[] | 'all-but-label';
  /** Model input → columns; empty: the features feed the single input. */
  inputs: Record<string, string[]>;
}

/**
 * Maps data columns onto model inputs: the configured `inputs` mapping; else, when every model
 * input has a column of the same name (NPZ arrays named like the inputs), by name; else the
 * features — a list, or every column but the label — stacked into the model's single input.
 */
export function planFeeds(
  modelInputs: readonly RuntimeValueInfo[],
  columnNames: readonly string[],
  mapping: ColumnMapping,
  file: string,
): InputFeed[] {
  const known = new Set(columnNames);
  const check = (column: string, role: string) => {
    if (!known.has(column)) {
      throw new UsageError(
        `${file} has no column '${column}' (${role}); its columns are ${columnNames.join(', ') || 'none'}`,
        { fix: 'fix the column name in modelops.yaml or the flags, or the header of the data file' },
      );
    }
  };
  check(mapping.labelColumn, 'the label column');
  const feed = (info: RuntimeValueInfo, columns: string[]): InputFeed => ({
    input: info.name,
    elementType: info.elementType ?? 'float',
    columns,
    shape: info.shape,
  });

  const configured = Object.entries(mapping.inputs);
  if (configured.length > 0) {
    for (const info of modelInputs) {
      if (!mapping.inputs[info.name]) {
        throw new UsageError(`model input '${info.name}' is not mapped to any column`, {
          fix: `add ${info.name}: [columns] under the dataset's inputs in modelops.yaml (model inputs: ${modelInputs.map((i) => i.name).join(', ')})`,
        });
      }
    }
    for (const [input, columns] of configured) {
      if (!modelInputs.some((i) => i.name === input)) {
        throw new UsageError(`the dataset maps columns to '${input}', which is not a model input`, {
          fix: `use the model's input names: ${modelInputs.map((i) => i.name).join(', ')}`,
        });
      }
      columns.forEach((c) => check(c, `input ${input}`));
    }
    return modelInputs.map((info) => feed(info, mapping.inputs[info.name]!));
  }
  if (modelInputs.length > 1) {
    if (modelInputs.every((i) => known.has(i.name))) return modelInputs.map((i) => feed(i, [i.name]));
    throw new UsageError(
      `the model has ${modelInputs.length} inputs (${modelInputs.map((i) => i.name).join(', ')}) and the dataset does not say which columns feed each`,
      { fix: "map them under the dataset's inputs in modelops.yaml, e.g. inputs: { ids: [a, b], mask: c }" },
    );
  }
  const features =
    mapping.features === 'all-but-label'
      ? columnNames.filter((c) => c !== mapping.labelColumn)
      : mapping.features;
  if (features.length === 0) {
    throw new UsageError(`${file} has no feature columns besides the label '${mapping.labelColumn}'`, {
      fix: 'evaluate on a file that holds the model inputs too',
    });
  }
  features.forEach((c) => check(c, 'a feature'));
  return [feed(modelInputs[0]!, features)];
}

/**
 * Checks the first batch against the model: the values per row must match a fixed last dimension
 * of the input. Done once, because later batches have the same columns.
 */
export function checkFeedWidths(feeds: readonly InputFeed[], batch: DataBatch, file: string): void {
  for (const feed of feeds) {
    const width = feed.columns.reduce((sum, name) => sum + rowSize(columnOf(batch, name)), 0);
    const last = feed.shape?.[feed.shape.length - 1];
    const rank = feed.shape?.length;
    const expected = rank === 1 ? 1 : typeof last === 'number' ? last : undefined;
    const single = feed.columns.length === 1 ? columnOf(batch, feed.columns[0]!) : undefined;
    // A tensor column whose row shape is the input's own shape (an image, a token row) is fine as is.
    const sameShape =
      single !== undefined &&
      rank === single.rowShape.length + 1 &&
      single.rowShape.every((d, i) => feed.shape![i + 1] === d || typeof feed.shape![i + 1] !== 'number');
    if (expected !== undefined && width !== expected && !sameShape) {
      const shown =
        feed.columns.length > 8 ? `${feed.columns.slice(0, 8).join(', ')}, …` : feed.columns.join(', ');
      throw new UsageError(
        `${file} gives ${width} value(s) per row for model input '${feed.input}' (columns ${shown}) but the model takes ${expected} (shape [${feed.shape!.map((d) => d ?? '?').join(', ')}])`,
        {
          fix: "list the model's features under the dataset's features (or inputs) in modelops.yaml, in the order the model was trained on",
        },
      );
    }
  }
}

/** The tensors for one batch: columns converted to the input's element type and stacked per row. */
export function buildFeeds(
  feeds: readonly InputFeed[],
  batch: DataBatch,
  file: string,
  stride = 1,
): Record<string, RuntimeTensor> {
  const where: DataLocation = { file, batch, stride };
  const result: Record<string, RuntimeTensor> = {};
  for (const feed of feeds) result[feed.input] = buildTensor(feed, batch, where);
  return result;
}

const DIRECT: Record<string, string> = {
  float: 'float32',
  double: 'float64',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  bool: 'bool',
};

function buildTensor(feed: InputFeed, batch: DataBatch, where: DataLocation): RuntimeTensor {
  const rows = batch.rows;
  const columns = feed.columns.map((name) => columnOf(batch, name));
  const rank = feed.shape?.length;
  const single = columns.length === 1 ? columns[0]! : undefined;
  if (single && single.rowShape.length > 0) {
    // A tensor column (NPY/NPZ): keep its row shape, or flatten it when the model takes [batch, n].
    const dims = rank === single.rowShape.length + 1 ? [rows, ...single.rowShape] : [rows, rowSize(single)];
    if (DIRECT[feed.elementType] === single.type) {
      return { elementType: feed.elementType, dims, data: single.data as RuntimeTensor['data'] };
    }
    return { elementType: feed.elementType, dims, data: convert(feed, single, where) };
  }
  const width = columns.reduce((sum, c) => sum + rowSize(c), 0);
  const dims = rank === 1 && width === 1 ? [rows] : [rows, width];
  if (single && DIRECT[feed.elementType] === single.type) {
    return { elementType: feed.elementType, dims, data: single.data as RuntimeTensor['data'] };
  }
  const Ctor = typedArrayFor(feed.elementType);
  const data = new Ctor(rows * width);
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  let offset = 0;
  for (const column of columns) {
    const size = rowSize(column);
    const read = numericReader(column, where);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < size; j++) {
        const value = read(r * size + j);
        const at = r * width + offset + j;
        if (big) (data as BigInt64Array)[at] = toBigInt(value, column.name, r, where);
        else (data as Float32Array)[at] = value;
      }
    }
    offset += size;
  }
  return { elementType: feed.elementType, dims, data };
}

function convert(feed: InputFeed, column: DataBatch['columns'][number], where: DataLocation) {
  const n = column.data.length;
  const Ctor = typedArrayFor(feed.elementType);
  const data = new Ctor(n);
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  const read = numericReader(column, where);
  const size = rowSize(column);
  for (let i = 0; i < n; i++) {
    const value = read(i);
    if (big) (data as BigInt64Array)[i] = toBigInt(value, column.name, Math.floor(i / size), where);
    else (data as Float32Array)[i] = value;
  }
  return data;
}

function toBigInt(value: number, column: string, row: number, where: DataLocation): bigint {
  if (!Number.isInteger(value)) {
    throw new UsageError(
      `${where.file}: row ${where.batch.start + row * (where.stride ?? 1) + 1}, column '${column}': ${value} is not an integer, and the model input is an integer tensor`,
      { fix: 'fix that value, or feed the column to a float input' },
    );
  }
  return BigInt(value);
}
