import { UsageError } from '../errors.js';
import { ClassificationAccumulator } from './classification-accumulator.js';
import { MultilabelAccumulator } from './multilabel-accumulator.js';
import { RegressionAccumulator } from './regression-accumulator.js';
import type {
  Batch,
  BinaryOptions,
  EvaluationState,
  MulticlassOptions,
  MultilabelOptions,
  RegressionOptions,
  Task,
} from './types.js';

/** Folds batches of rows into a state that shards can exchange and merge exactly. */
export interface Accumulator {
  readonly task: Task;
  /** Adds rows; throws a UsageError (and adds nothing) when any row is invalid. */
  add(batch: Batch): void;
  /** A JSON-serializable snapshot; the accumulator stays usable. */
  toState(): EvaluationState;
}

/** The live accumulator behind a state; `mergeStates` uses it. */
export type LiveAccumulator = ClassificationAccumulator | MultilabelAccumulator | RegressionAccumulator;

const DEFAULT_THRESHOLD = 0.5;

/**
 * Starts an accumulator. Binary labels are 0/1 with 1 the positive class; multiclass labels are
 * 0..numClasses-1 in the order of the model's score columns; multilabel rows have numLabels 0/1s.
 */
export function createAccumulator(task: 'binary', options?: BinaryOptions): Accumulator;
export function createAccumulator(task: 'multiclass', options: MulticlassOptions): Accumulator;
export function createAccumulator(task: 'multilabel', options: MultilabelOptions): Accumulator;
export function createAccumulator(task: 'regression', options?: RegressionOptions): Accumulator;
export function createAccumulator(task: Task, options?: object): Accumulator;
export function createAccumulator(task: Task, options: object = {}): Accumulator {
  const o = options as Partial<BinaryOptions & MulticlassOptions & MultilabelOptions>;
  switch (task) {
    case 'binary':
      return new ClassificationAccumulator('binary', 2, checkThreshold(o.threshold));
    case 'multiclass':
      return new ClassificationAccumulator(
        'multiclass',
        checkCount('numClasses', o.numClasses, 2),
        DEFAULT_THRESHOLD,
      );
    case 'multilabel':
      return new MultilabelAccumulator(checkCount('numLabels', o.numLabels, 1), checkThreshold(o.threshold));
    case 'regression':
      return new RegressionAccumulator();
    default:
      throw new UsageError(`task ${JSON.stringify(task)} is not known`, {
        fix: 'use binary, multiclass, multilabel or regression',
      });
  }
}

/** Rebuilds the live accumulator from a state (after the caller checked its header). */
export function restoreAccumulator(state: EvaluationState): LiveAccumulator {
  switch (state.task) {
    case 'binary':
    case 'multiclass':
      return new ClassificationAccumulator(state.task, state.numClasses, state.threshold, state);
    case 'multilabel':
      return new MultilabelAccumulator(state.numLabels, state.threshold, state);
    case 'regression':
      return new RegressionAccumulator(state);
  }
}

function checkThreshold(value: number | undefined): number {
  if (value === undefined) return DEFAULT_THRESHOLD;
  if (!(value >= 0 && value <= 1)) {
    throw new UsageError(`threshold ${value} is not a probability`, {
      fix: 'use a threshold in [0, 1], e.g. 0.5',
    });
  }
  return value;
}

function checkCount(name: string, value: number | undefined, minimum: number): number {
  if (value === undefined || !Number.isInteger(value) || value < minimum) {
    throw new UsageError(`${name} is ${String(value)}`, { fix: `pass ${name} as an integer ≥ ${minimum}` });
  }
  return value;
}
