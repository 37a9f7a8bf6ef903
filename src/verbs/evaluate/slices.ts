import type { SliceConfig } from '../../core/config/index.js';
import type { Column, DataBatch } from '../../core/data/types.js';
import type { Batch } from '../../core/evaluate/index.js';
import { columnOf } from './column-values.js';

/** The columns the slices read, so the data reader streams them too. */
export function sliceColumns(slices: readonly SliceConfig[]): string[] {
  return [...new Set(slices.flatMap((s) => Object.keys(s.where)))];
}

/**
 * Row indices (within the batch) of each slice: a row is in a slice when every column of its
 * `where` holds one of the accepted values. Text cells match the value's text ("eu", "3");
 * numeric cells match numbers, and booleans as 1/0.
 */
export function sliceMembers(slices: readonly SliceConfig[], batch: DataBatch): number[][] {
  return slices.map((slice) => {
    const tests = Object.entries(slice.where).map(([name, accepted]) =>
      cellMatcher(columnOf(batch, name), accepted),
    );
    const members: number[] = [];
    for (let r = 0; r < batch.rows; r++) if (tests.every((test) => test(r))) members.push(r);
    return members;
  });
}

function cellMatcher(
  column: Column,
  accepted: readonly (string | number | boolean)[],
): (row: number) => boolean {
  const data = column.data;
  if (Array.isArray(data)) {
    const texts = new Set(accepted.map(String));
    return (row) => texts.has((data[row] ?? '').trim());
  }
  const numbers = new Set(accepted.map(Number));
  return (row) => numbers.has(Number(data[row]));
}

/** The rows of a batch at the given indices, every field picked alike. */
export function pickRows(batch: Batch, indices: readonly number[]): Batch {
  const pick = <T>(values: ReadonlyArray<T>): T[] => indices.map((i) => values[i]!);
  return {
    yTrue: pick(batch.yTrue as ReadonlyArray<number>),
    ...(batch.yScore ? { yScore: pick(batch.yScore as ReadonlyArray<number>) } : {}),
    ...(batch.yPred ? { yPred: pick(batch.yPred as ReadonlyArray<number>) } : {}),
  };
}
