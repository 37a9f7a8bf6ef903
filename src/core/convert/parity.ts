import { UsageError } from '../errors.js';

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

/** Tolerance for every output, with overrides by output name. */
export interface Tolerances {
  default: number;
  byOutput: Record<string, number>;
}

/**
 * Parses `--tolerance`: one number for every output (`1e-5`), overrides by output name
 * (`probabilities=1e-5,label=0`), or both (`1e-4, label=0`). Names are checked against the model's
 * outputs later, when they are known.
 */
export function parseTolerances(text: string, fallback = 1e-5): Tolerances {
  const tolerances: Tolerances = { default: fallback, byOutput: {} };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.lastIndexOf('=');
    const name = eq >= 0 ? part.slice(0, eq).trim() : '';
    const raw = eq >= 0 ? part.slice(eq + 1).trim() : part;
    const value = raw === '' ? NaN : Number(raw);
    if (!(value >= 0) || !Number.isFinite(value) || (eq >= 0 && !name)) {
      throw new UsageError(`--tolerance '${text}': '${part}' is not a tolerance`, {
        fix: 'give a non-negative number (1e-5), or output=number pairs separated by commas (probabilities=1e-5,label=0)',
      });
    }
    if (name) tolerances.byOutput[name] = value;
    else tolerances.default = value;
  }
  return tolerances;
}

/** The tolerance of one output: its own, or the default. `probabilities[:, 1]` uses `probabilities`'. */
export function toleranceFor(tolerances: Tolerances, output: string): number {
  const base = output.replace(/\[.*\]$/, '');
  return tolerances.byOutput[output] ?? tolerances.byOutput[base] ?? tolerances.default;
}

/**
 * The parity of a whole conversion: one report per compared output, and on top the report that
 * decides it — the first failing output, else the one with the largest absolute error — so a
 * single-output report reads exactly as before.
 */
export type ParitySummary = ParityReport & { outputs: ParityReport[] };

export function summarizeParity(reports: ParityReport[]): ParitySummary {
  if (reports.length === 0) throw new Error('summarizeParity needs at least one report');
  const decisive =
    reports.find((r) => !r.passed) ??
    reports.reduce((worst, r) => (r.max_abs_error > worst.max_abs_error ? r : worst));
  return {
    ...decisive,
    output: reports.map((r) => r.output).join(', '),
    max_abs_error: Math.max(...reports.map((r) => r.max_abs_error)),
    max_rel_error: Math.max(...reports.map((r) => r.max_rel_error)),
    passed: reports.every((r) => r.passed),
    outputs: reports,
  };
}
