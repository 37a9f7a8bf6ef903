import type { Pruner, StudyView, Trial } from '../types.js';

export interface MedianOptions {
  /** No pruning until this many trials completed. Default 5. */
  nStartupTrials?: number;
  /** No pruning before this step. Default 0. */
  nWarmupSteps?: number;
  /** Decide every this many steps after the warm-up. Default 1. */
  intervalSteps?: number;
  /** Completed trials that must have reported the same step. Default 1. */
  nMinTrials?: number;
}

/**
 * The median stopping rule: stop a trial whose best intermediate value so far is worse than the
 * median of the completed trials' values at the same step. A NaN intermediate value stops it.
 */
export function medianPruner(options: MedianOptions = {}): Pruner {
  const nStartup = options.nStartupTrials ?? 5;
  const warmup = options.nWarmupSteps ?? 0;
  const interval = options.intervalSteps ?? 1;
  const nMin = options.nMinTrials ?? 1;
  return {
    name: 'median',
    shouldPrune(study: StudyView, trial: Trial, step: number): boolean {
      if (step < warmup || (step - warmup) % interval !== 0) return false;
      const completed = study.trials.filter((t) => t.state === 'complete' && t.number !== trial.number);
      if (completed.length < nStartup) return false;
      const sign = study.direction === 'minimize' ? 1 : -1;
      const own = Object.entries(trial.intermediate ?? {})
        .filter(([s]) => Number(s) <= step)
        .map(([, v]) => v);
      if (own.length === 0) return false;
      if (own.some((v) => Number.isNaN(v))) return true;
      const best = Math.min(...own.map((v) => sign * v));
      const others = completed
        .map((t) => t.intermediate?.[step])
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
        .map((v) => sign * v)
        .sort((a, b) => a - b);
      if (others.length < nMin) return false;
      const mid = others.length >> 1;
      const median = others.length % 2 ? others[mid]! : (others[mid - 1]! + others[mid]!) / 2;
      return best > median;
    },
  };
}
