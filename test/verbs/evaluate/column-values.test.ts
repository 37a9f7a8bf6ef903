import { describe, expect, it } from 'vitest';
import type { DataBatch } from '../../../src/core/data/types.js';
import { numericReader } from '../../../src/verbs/evaluate/column-values.js';

describe('numericReader on int64 columns', () => {
  it('reads every int64 exactly as Number(bigint) does, rounding included', () => {
    const values = [
      0n,
      1n,
      -1n,
      9n,
      -(2n ** 31n),
      2n ** 32n + 7n,
      -(2n ** 40n) - 3n,
      2n ** 53n + 1n,
      2n ** 63n - 1n,
      -(2n ** 63n),
    ];
    // A view at an offset, as the NPZ reader hands out sub-arrays of one buffer.
    const backing = new BigInt64Array(values.length + 3);
    backing.set(values, 3);
    const data = backing.subarray(3);
    const column = { name: 'label', type: 'int64' as const, rowShape: [], data };
    const batch: DataBatch = { start: 0, rows: values.length, columns: [column] };
    const read = numericReader(column, { file: 'x.npz', batch });
    expect(values.map((_, i) => read(i))).toEqual(values.map(Number));
  });
});
