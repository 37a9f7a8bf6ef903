import type { Params, Sampler, SearchSpace, StudyView, Trial } from '../../../src/core/tune/types.js';

/** Runs `trials` sequential trials of `objective` (minimized) and returns the study. */
export function runStudy(
  sampler: Sampler,
  space: SearchSpace,
  objective: (p: Params) => number,
  trials: number,
  batch = 1,
): StudyView & { trials: Trial[] } {
  const done: Trial[] = [];
  while (done.length < trials) {
    const view: StudyView = { space, direction: 'minimize', trials: done };
    for (const params of sampler.suggest(view, Math.min(batch, trials - done.length)))
      done.push({ number: done.length, params, state: 'complete', value: objective(params) });
  }
  return { space, direction: 'minimize', trials: done };
}

export const bestOf = (trials: readonly Trial[]): number => Math.min(...trials.map((t) => t.value!));

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
