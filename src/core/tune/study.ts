import type { Direction, StudyView, Trial } from './types.js';

/** Multiplier turning an objective into a loss (lower is better) for `direction`. */
export function lossSign(direction: Direction): 1 | -1 {
  return direction === 'minimize' ? 1 : -1;
}

/** Completed trials with a finite value. */
export function completedTrials(study: StudyView): Trial[] {
  return study.trials.filter(
    (trial) => trial.state === 'complete' && typeof trial.value === 'number' && Number.isFinite(trial.value),
  );
}

/** The best completed trial, or undefined before the first one completes. */
export function bestTrial(study: StudyView): Trial | undefined {
  const sign = lossSign(study.direction);
  let best: Trial | undefined;
  for (const trial of completedTrials(study))
    if (best === undefined || sign * trial.value! < sign * best.value!) best = trial;
  return best;
}

/** The study with `extra` trials appended as running (what a batch's later members must not repeat). */
export function withRunning(study: StudyView, extra: readonly Trial['params'][]): StudyView {
  if (extra.length === 0) return study;
  const start = study.trials.length;
  return {
    ...study,
    trials: [
      ...study.trials,
      ...extra.map((params, i): Trial => ({ number: start + i, params, state: 'running' })),
    ],
  };
}

/** Trials per state (report.ts reads this). */
export function countTrials(trials: readonly Trial[]): Record<Trial['state'], number> {
  const counts = { running: 0, complete: 0, pruned: 0, failed: 0 };
  for (const trial of trials) counts[trial.state]++;
  return counts;
}

/** For each trial in order, the best completed value up to it (undefined before the first). */
export function bestSoFar(trials: readonly Trial[], direction: Direction): Array<number | undefined> {
  const sign = lossSign(direction);
  let best: number | undefined;
  return trials.map((trial) => {
    const value = trial.value;
    if (trial.state === 'complete' && typeof value === 'number' && Number.isFinite(value))
      if (best === undefined || sign * value < sign * best) best = value;
    return best;
  });
}
