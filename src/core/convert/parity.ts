/** One row where the converted model and the reference disagree most. */
export interface WorstRow {
  row: number;
  column: number;
  expected: number;
  actual: number;
  abs_error: number;
}

/** The parity report of a conversion: converted outputs against reference outputs. */
export interface ParityReport {
  output: string;
  rows: number;
  columns: number;
  tolerance: number;
  max_abs_error: number;
  max_rel_error: number;
  mean_abs_error: number;
  /** Mean relative error over entries whose reference is not 0. */
  mean_rel_error: number;
  /** Up to five entries with the largest absolute error, largest first. */
  worst_rows: WorstRow[];
  passed: boolean;
}

/** Row-major values with a known width. */
export interface Matrix {
  rows: number;
  width: number;
  data: ArrayLike<number>;
}

const WORST = 5;

/**
 * Compares two matrices of the same shape. An entry passes when |a − e| ≤ tolerance, or its
 * relative error |a − e| / |e| ≤ tolerance (large regression values carry float32 rounding);
 * NaN matches only NaN. Relative error is measured where |e| > 0.
 */
export function compareOutputs(
  output: string,
  actual: Matrix,
  expected: Matrix,
  tolerance: number,
): ParityReport {
  let maxAbs = 0;
  let maxRel = 0;
  let sumAbs = 0;
  let sumRel = 0;
  let relCount = 0;
  let failed = 0;
  const worst: WorstRow[] = [];
  const count = expected.rows * expected.width;
  for (let i = 0; i < count; i++) {
    const a = actual.data[i]!;
    const e = expected.data[i]!;
    const bothNaN = Number.isNaN(a) && Number.isNaN(e);
    const abs = bothNaN ? 0 : Number.isNaN(a) || Number.isNaN(e) ? Infinity : Math.abs(a - e);
    const rel = abs === 0 ? 0 : e !== 0 ? abs / Math.abs(e) : Infinity;
    if (abs > tolerance && rel > tolerance) failed++;
    maxAbs = Math.max(maxAbs, abs);
    if (e !== 0) {
      maxRel = Math.max(maxRel, rel);
      sumRel += rel;
      relCount++;
    }
    sumAbs += abs;
    if (abs > 0 && (worst.length < WORST || abs > worst[worst.length - 1]!.abs_error)) {
      const row = Math.floor(i / expected.width);
      worst.push({ row, column: i % expected.width, expected: e, actual: a, abs_error: abs });
      worst.sort((x, y) => y.abs_error - x.abs_error);
      if (worst.length > WORST) worst.pop();
    }
  }
  return {
    output,
    rows: expected.rows,
    columns: expected.width,
    tolerance,
    max_abs_error: maxAbs,
    max_rel_error: maxRel,
    mean_abs_error: count ? sumAbs / count : 0,
    mean_rel_error: relCount ? sumRel / relCount : 0,
    worst_rows: worst,
    passed: failed === 0,
  };
}
