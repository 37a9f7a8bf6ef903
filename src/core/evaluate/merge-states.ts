import { UsageError } from '../errors.js';
import { restoreAccumulator, type LiveAccumulator } from './accumulator.js';
import { ClassificationAccumulator } from './classification-accumulator.js';
import { MultilabelAccumulator } from './multilabel-accumulator.js';
import { RegressionAccumulator } from './regression-accumulator.js';
import type { EvaluationState } from './types.js';

/**
 * Combines shard states into the state one pass over all rows would give. Counts and exact sums
 * add, so the metrics are bit-identical whatever the split or order; the (score, label) lists are
 * concatenated and the rank metrics sort them, so their order does not matter either.
 */
export function mergeStates(states: readonly EvaluationState[]): EvaluationState {
  const [first, ...rest] = states.map(checkState);
  if (!first) throw new UsageError('no states to merge', { fix: 'pass at least one shard state' });
  const merged = restoreAccumulator(first);
  rest.forEach((state, i) => {
    const mismatch = describeMismatch(first, state);
    if (mismatch) {
      throw new UsageError(`shard state ${i + 1} ${mismatch}`, {
        fix: 'merge only shards of the same evaluation (same task and options)',
      });
    }
    mergeInto(merged, restoreAccumulator(state));
  });
  return merged.toState();
}

function mergeInto(target: LiveAccumulator, source: LiveAccumulator): void {
  if (target instanceof ClassificationAccumulator && source instanceof ClassificationAccumulator)
    target.merge(source);
  else if (target instanceof MultilabelAccumulator && source instanceof MultilabelAccumulator)
    target.merge(source);
  else if (target instanceof RegressionAccumulator && source instanceof RegressionAccumulator)
    target.merge(source);
  else throw new Error(`bug: cannot merge ${source.task} into ${target.task}`);
}

/** Rejects anything that is not a state this version wrote (e.g. a stale cache file). */
export function checkState(state: EvaluationState): EvaluationState {
  const header = state as Partial<EvaluationState> | null;
  if (!header || header.format !== 'modelops.evaluate.state' || header.version !== 1) {
    throw new UsageError('evaluation state is not a modelops.evaluate.state version 1 object', {
      fix: 'pass the object acc.toState() returned, unchanged',
    });
  }
  return state;
}

function describeMismatch(a: EvaluationState, b: EvaluationState): string | undefined {
  if (a.task !== b.task) return `is for task ${b.task}, the first is for ${a.task}`;
  if ((a.task === 'binary' || a.task === 'multiclass') && a.task === b.task) {
    const other = b as typeof a;
    if (a.numClasses !== other.numClasses)
      return `has ${other.numClasses} classes, the first has ${a.numClasses}`;
    if (a.threshold !== other.threshold) return `uses threshold ${other.threshold}, the first ${a.threshold}`;
  }
  if (a.task === 'multilabel' && b.task === 'multilabel') {
    if (a.numLabels !== b.numLabels) return `has ${b.numLabels} labels, the first has ${a.numLabels}`;
    if (a.threshold !== b.threshold) return `uses threshold ${b.threshold}, the first ${a.threshold}`;
  }
  if ('scored' in a && 'scored' in b && a.scored !== null && b.scored !== null && a.scored !== b.scored) {
    return `${b.scored ? 'has' : 'lacks'} scores while the first ${a.scored ? 'has' : 'lacks'} them`;
  }
  return undefined;
}
