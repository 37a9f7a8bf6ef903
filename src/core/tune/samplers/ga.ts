import { mixSeed, Random } from '../random.js';
import { fromUnit, isActive, paramsKey, sampleIndependent, sampleSpace, toUnit } from '../space.js';
import type { Params, Sampler, StudyView, Trial } from '../types.js';
import { completedTrials, lossSign, withRunning } from './observations.js';

export interface GaOptions {
  seed?: number;
  /** Parents are the best `populationSize` completed trials; random trials until that many. Default 20. */
  populationSize?: number;
  /** Contestants per tournament. Default 2. */
  tournamentSize?: number;
  /** Chance a child is a crossover of two parents rather than a copy of one. Default 0.9. */
  crossoverRate?: number;
  /** Chance each parameter mutates. Default 1 / number of parameters. */
  mutationRate?: number;
  /** Standard deviation of a numeric mutation on the unit interval. Default 0.1. */
  mutationScale?: number;
}

/**
 * A steady-state genetic algorithm for discrete or large spaces: the parent pool is the best
 * `populationSize` completed trials of the whole study (μ+λ elitism: a good trial stays a parent
 * until better ones displace it), parents are picked by tournament, children take each parameter
 * from either parent (uniform crossover) and mutate per distribution — a Gaussian step on the unit
 * interval for numbers (snapped to int / step / log scale), another choice for categoricals.
 * Conditional parameters follow the child's own values; a child that repeats an earlier trial is
 * redrawn.
 */
export function gaSampler(options: GaOptions = {}): Sampler {
  const seed = options.seed ?? 0;
  return {
    name: 'ga',
    suggest(study: StudyView, count: number): Params[] {
      const random = new Random(mixSeed(seed, study.trials.length, 0x4741));
      const out: Params[] = [];
      for (let i = 0; i < count; i++) out.push(suggestOne(withRunning(study, out), random, options));
      return out;
    },
  };
}

function suggestOne(study: StudyView, random: Random, options: GaOptions): Params {
  const populationSize = options.populationSize ?? 20;
  const sign = lossSign(study.direction);
  const done = completedTrials(study);
  if (done.length < populationSize) return sampleSpace(study.space, random);
  const pool = done
    .sort((a, b) => sign * a.value! - sign * b.value! || a.number - b.number)
    .slice(0, populationSize);
  const seen = new Set(study.trials.map((t) => paramsKey(study.space, t.params)));
  for (let attempt = 0; attempt < 20; attempt++) {
    const child = breed(study, pool, random, options);
    if (!seen.has(paramsKey(study.space, child))) return child;
  }
  return sampleSpace(study.space, random);
}

function breed(study: StudyView, pool: readonly Trial[], random: Random, options: GaOptions): Params {
  const tournament = (): Trial => {
    let winner = random.pick(pool);
    for (let i = 1; i < (options.tournamentSize ?? 2); i++) {
      const other = random.pick(pool);
      // The pool is sorted best first, so a lower index wins.
      if (pool.indexOf(other) < pool.indexOf(winner)) winner = other;
    }
    return winner;
  };
  const first = tournament().params;
  const second = random.next() < (options.crossoverRate ?? 0.9) ? tournament().params : first;
  const mutationRate = options.mutationRate ?? 1 / study.space.params.length;
  const scale = options.mutationScale ?? 0.1;
  const child: Params = {};
  for (const { name, spec } of study.space.params) {
    if (!isActive(spec, child)) continue;
    const sources = [first, second].filter((p) => name in p);
    let value = sources.length > 0 ? random.pick(sources)[name]! : sampleIndependent(spec, random);
    if (random.next() < mutationRate) {
      if (spec.type === 'categorical') {
        const others = spec.choices.filter((c) => c !== value);
        if (others.length > 0) value = random.pick(others);
      } else value = fromUnit(spec, toUnit(spec, value) + scale * random.normal());
    }
    child[name] = value;
  }
  return child;
}
