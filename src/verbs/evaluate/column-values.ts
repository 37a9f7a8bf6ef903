import type { Column, DataBatch } from '../../core/data/types.js';
import { UsageError } from '../../core/errors.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HIGH = LITTLE_ENDIAN ? 1 : 0;
const LOW = 1 - HIGH;

/** Where a batch came from, so a bad cell is reported as "data.csv: row 17, column 'age'". */
export interface DataLocation {
  /** The data file as the user named it. */
  file: string;
  batch: DataBatch;
  /** Shard count: a sharded batch holds the file rows start, start + N, start + 2N, … */
  stride?: number;
}

/** Number of values one row of a column holds (1 for tabular columns, 3·32·32 for an image). */
export function rowSize(column: Column): number {
  return column.rowShape.reduce((a, b) => a * b, 1);
}

/** 1-based data row of element `index` of a column (the header line of a CSV is not counted). */
export function rowNumber(where: DataLocation, column: Column, index: number): number {
  return where.batch.start + Math.floor(index / Math.max(1, rowSize(column))) * (where.stride ?? 1) + 1;
}

/**
 * Element `index` of a column as a number. Text cells are parsed (readers may hand mixed columns
 * over as text); an empty cell is a missing value (NaN), anything else that is not a number is
 * the user's data problem, named by row and column.
 */
export function numericReader(column: Column, where: DataLocation): (index: number) => number {
  const data = column.data;
  if (Array.isArray(data)) {
    return (index) => {
      const text = (data[index] ?? '').trim();
      if (text === '' || /^(nan|NaN|NA|null)$/.test(text)) return Number.NaN;
      const value = Number(text);
      if (Number.isNaN(value)) throw notANumber(where, column, index, data[index]!);
      return value;
    };
  }
  if (data instanceof BigInt64Array) {
    // hi·2^32 + lo rounds once, exactly like Number(bigint), without a BigInt per cell (int64
    // labels are the common case in NPY/NPZ and Parquet, and this runs once per row).
    const words = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
    return (index) => words[2 * index + HIGH]! * 4294967296 + (words[2 * index + LOW]! >>> 0);
  }
  return (index) => (data as Exclude<typeof data, BigInt64Array | string[]>)[index]!;
}

export function notANumber(where: DataLocation, column: Column, index: number, text: string): UsageError {
  return new UsageError(
    `${where.file}: row ${rowNumber(where, column, index)}, column '${column.name}': ${JSON.stringify(text)} is not a number`,
    { fix: 'fix or drop that row; model inputs and labels must be numeric' },
  );
}

/** Looks a column up by name in a batch; a reader that skipped it is a bug, not user error. */
export function columnOf(batch: DataBatch, name: string): Column {
  const column = batch.columns.find((c) => c.name === name);
  if (!column) throw new Error(`bug: the data reader returned no column '${name}'`);
  return column;
}
