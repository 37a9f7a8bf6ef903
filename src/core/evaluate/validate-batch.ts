import { UsageError } from '../errors.js';

/**
 * Input checks for `acc.add`. Each failure is one line naming the field, the index, the value and
 * the fix, because these errors reach users whose model or dataset produced the batch.
 */

type Rows = ReadonlyArray<number> | ReadonlyArray<ArrayLike<number>>;

/** The array itself, checked to hold `rows` entries (or any length when rows is undefined). */
export function checkArray(field: string, value: unknown, rows?: number): readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new UsageError(`batch.${field} is ${describe(value)}, not an array`, {
      fix: `pass one entry per row in ${field}`,
    });
  }
  if (rows !== undefined && value.length !== rows) {
    throw new UsageError(`batch.${field} has ${value.length} rows but yTrue has ${rows}`, {
      fix: 'pass the same rows, in the same order, in every field of the batch',
    });
  }
  return value;
}

/** A class index in 0..k-1. */
export function checkLabel(field: string, index: number, value: unknown, numClasses: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= numClasses) {
    throw new UsageError(
      `batch.${field}[${index}] is ${describe(value)}, not a class index 0..${numClasses - 1}`,
      {
        fix: 'map class names to indices 0..k-1 in the order of the model outputs, or raise numClasses',
      },
    );
  }
  return value;
}

/**
 * `field` plus its row (and column) index, e.g. `yScore[3][1]`. The name is only built for an
 * error: these checks run once per value on the evaluate hot path.
 */
function at(field: string, index?: number, column?: number): string {
  return `${field}${index === undefined ? '' : `[${index}]`}${column === undefined ? '' : `[${column}]`}`;
}

/** A probability in [0, 1]. */
export function checkProbability(field: string, value: unknown, index?: number, column?: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new UsageError(
      `batch.${at(field, index, column)} is ${describe(value)}, not a probability in [0, 1]`,
      {
        fix: 'pass probabilities (apply sigmoid/softmax to raw scores or logits first)',
      },
    );
  }
  return value;
}

/** A 0/1 indicator. */
export function checkIndicator(field: string, value: unknown, index?: number, column?: number): number {
  if (value !== 0 && value !== 1) {
    throw new UsageError(`batch.${at(field, index, column)} is ${describe(value)}, not 0 or 1`, {
      fix: 'encode each label of a multilabel row as 0 (absent) or 1 (present)',
    });
  }
  return value;
}

/** A finite number (regression targets and predictions). */
export function checkFinite(field: string, value: unknown, index?: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new UsageError(`batch.${at(field, index)} is ${describe(value)}, not a finite number`, {
      fix: 'drop or impute rows with missing or infinite values before evaluating',
    });
  }
  return value;
}

/**
 * One row of a matrix field, checked to have `width` entries: an array, or a typed-array view (the
 * model's output rows are fed without copying them).
 */
export function checkRow(field: string, index: number, value: unknown, width: number): ArrayLike<unknown> {
  const rowLike = Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
  if (!rowLike || (value as ArrayLike<unknown>).length !== width) {
    const got = rowLike ? `${(value as ArrayLike<unknown>).length} entries` : describe(value);
    throw new UsageError(`batch.${field}[${index}] has ${got}, expected ${width}`, {
      fix: `pass one array of ${width} numbers per row (one per class or label)`,
    });
  }
  return value as ArrayLike<unknown>;
}

/** Batches must say the same thing each time: scores everywhere or nowhere. */
export function checkScoredAgreement(previous: boolean | null, current: boolean): boolean {
  if (previous !== null && previous !== current) {
    throw new UsageError(
      `a batch ${current ? 'has' : 'lacks'} yScore while earlier batches ${previous ? 'had' : 'lacked'} it`,
      { fix: 'pass yScore in every batch or in none, so score-based metrics cover every row' },
    );
  }
  return current;
}

/** Every batch needs something to compare yTrue with. */
export function requirePrediction(batch: { yScore?: Rows; yPred?: Rows }): void {
  if (batch.yScore === undefined && batch.yPred === undefined) {
    throw new UsageError('batch has neither yScore nor yPred', {
      fix: 'pass yScore (probabilities), yPred (labels or values), or both',
    });
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
