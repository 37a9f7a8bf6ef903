import type { Pruner, StudyView, Trial } from '../types.js';

export interface SuccessiveHalvingOptions {
  /** Steps before the first rung. Default 1. */
  minResource?: number;
  /** η: each rung keeps the best 1/η of the trials that reached it. Default 3. */
  reductionFactor?: number;
  /** s: the first rung sits at minResource · η^s. Default 0. */
  minEarlyStoppingRate?: number;
}

/**
 * Asynchronous successive halving (ASHA): rungs at steps r·η^(s+k). When a trial first reports a
 * step at or past a rung, it continues only if its value there is among the best 1/η of every
 * trial that reached the rung (the best one when fewer than η did); it is never judged between
 * rungs. A trial's value at a rung is the value it reported at the first step reaching it.
 */
export function successiveHalvingPruner(options: SuccessiveHalvingOptions = {}): Pruner {
  const r = options.minResource ?? 1;
  const eta = options.reductionFactor ?? 3;
  const s = options.minEarlyStoppingRate ?? 0;
  const rungStep = (k: number) => r * eta ** (s + k);
  return {
    name: 'successive-halving',
    shouldPrune(study: StudyView, trial: Trial, step: number): boolean {
      const value = trial.intermediate?.[step];
      if (value === undefined) return false;
      if (Number.isNaN(value)) return true;
      let rung = -1;
      while (rungStep(rung + 1) <= step) rung++;
      if (rung < 0) return false;
      const earlier = Object.keys(trial.intermediate ?? {})
        .map(Number)
        .filter((x) => x < step);
      if (earlier.some((x) => x >= rungStep(rung))) return false; // this rung was already decided
      const sign = study.direction === 'minimize' ? 1 : -1;
      const competitors = [sign * value];
      for (const other of study.trials) {
        if (other.number === trial.number) continue;
        const v = valueAtRung(other, rungStep(rung));
        if (v !== undefined && !Number.isNaN(v)) competitors.push(sign * v);
      }
      competitors.sort((a, b) => a - b);
      const keep = Math.max(1, Math.floor(competitors.length / eta));
      return sign * value > competitors[keep - 1]!;
    },
  };
}

function valueAtRung(trial: Trial, rungStep: number): number | undefined {
  const steps = Object.keys(trial.intermediate ?? {})
    .map(Number)
    .filter((x) => x >= rungStep);
  if (steps.length === 0) return undefined;
  return trial.intermediate![Math.min(...steps)];
}
