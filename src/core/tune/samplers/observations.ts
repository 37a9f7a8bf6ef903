import type { Direction, StudyView, Trial } from '../types.js';

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

/** The study with `extra` parameter sets appended as running trials (a batch's later members see the earlier ones). */
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
