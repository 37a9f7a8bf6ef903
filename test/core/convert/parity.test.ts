import { describe, expect, it } from 'vitest';
import { compareOutputs } from '../../../src/core/convert/index.js';

const m = (rows: number, width: number, data: number[]) => ({ rows, width, data });

describe('compareOutputs', () => {
  it('reports max and mean absolute and relative error, and the worst entries first', () => {
    const report = compareOutputs('variable', m(3, 1, [1, 2.5, 100]), m(3, 1, [1, 2, 101]), 1e-5);
    expect(report).toMatchObject({
      output: 'variable',
      rows: 3,
      columns: 1,
      max_abs_error: 1,
      max_rel_error: 0.25,
      mean_abs_error: 0.5,
      mean_rel_error: (0 + 0.25 + 1 / 101) / 3,
      passed: false,
    });
    expect(report.worst_rows.map((w) => w.row)).toEqual([2, 1]);
    expect(report.worst_rows[0]).toEqual({ row: 2, column: 0, expected: 101, actual: 100, abs_error: 1 });
  });

  it('passes when every entry is within the tolerance, absolutely or relatively', () => {
    const report = compareOutputs('p', m(2, 2, [0.5, 1000.001, 0, 0]), m(2, 2, [0.500001, 1000, 0, 0]), 1e-5);
    expect(report.passed).toBe(true);
    expect(report.max_abs_error).toBeCloseTo(0.001, 9);
    expect(report.worst_rows[0]).toMatchObject({ row: 0, column: 1 });
  });

  it('NaN matches only NaN', () => {
    expect(compareOutputs('v', m(1, 1, [NaN]), m(1, 1, [NaN]), 0).passed).toBe(true);
    const report = compareOutputs('v', m(1, 1, [NaN]), m(1, 1, [1]), 1e-5);
    expect(report).toMatchObject({ passed: false, max_abs_error: Infinity });
  });
});
