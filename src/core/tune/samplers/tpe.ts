import { mixSeed, Random } from '../random.js';
import { conditionsOf, isActive, sampleIndependent } from '../space.js';
import type { Params, ParamSpec, Sampler, StudyView, Trial } from '../types.js';
import { lossSign, withRunning } from './observations.js';
import { decode, encode, makeDim, ParzenEstimator } from './parzen.js';

export interface TpeOptions {
  seed?: number;
  /** Random suggestions until this many trials finished (complete or pruned). Default 7. */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) and ranked by l(x)/g(x). Default 24. */
  nEiCandidates?: number;
  /** How many of n trials form the good group. Default min(⌈0.1 n⌉, 25). */
  gamma?: (n: number) => number;
  /** Weight of the prior kernel (uniform-ish over the range). Default 1. */
  priorWeight?: number;
  /** Lower-bound bandwidths by range / min(100, 1 + kernels). Default true. */
  magicClip?: boolean;
  /** Model the unconditional parameters jointly (one kernel per trial across them). Default true. */
  multivariate?: boolean;
  /** Running trials (and earlier members of a batch) count as the worst trials. Default true. */
  constantLiar?: boolean;
  /** Observation weights, oldest first. Default: 1s, or a ramp from 1/n for all but the newest 25. */
  weights?: (n: number) => Float64Array;
  /**
   * Score kernels by shape only (a kernel's peak does not grow as its bandwidth shrinks), which keeps
   * wide kernels and the prior competitive: more exploration. optuna 3.1 scores this way. Default true.
   */
  scaleFree?: boolean;
  /**
   * Bandwidth of the joint kernels, per dimension: the distance to the farther neighbour (default;
   * the univariate rule, adaptive where good trials cluster), Scott's rule on the range (optuna's
   * multivariate TPE) or on the observations' spread.
   */
  bandwidth?: 'range' | 'spread' | 'neighbour';
  /**
   * Rank candidates of a joint group by the joint log ratio log l(x)/g(x) plus the per-dimension
   * (univariate) log ratios: a candidate must look good as a whole and coordinate by coordinate.
   * With few trials in many dimensions, joint kernels spread the evidence thin (a good value of one
   * parameter counts only next to its trial's other values) and a sampler can keep circling one
   * early good point; the marginals pool each parameter's evidence across trials, as optuna's
   * univariate TPE does, while the joint term keeps the interactions. Default true.
   */
  hybrid?: boolean;
}

export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  const ramp = n - 25;
  if (ramp > 0)
    for (let i = 0; i < ramp; i++) w[i] = ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1);
  return w;
}

/**
 * Tree-structured Parzen estimator (Bergstra et al. 2011), as optuna runs it: split the finished
 * trials into the best γ(n) and the rest, fit a Parzen estimator l(x) to the good ones and g(x) to
 * the rest, draw candidates from l and keep the one maximizing l(x)/g(x). Unconditional
 * parameters are modelled jointly (multivariate), and their candidates are ranked by the joint
 * ratio times the product of the per-parameter ratios (see `hybrid`); each conditional parameter
 * is modelled on the trials where it was active. With constant liar, running trials sit in the bad group, so a batch
 * of parallel suggestions spreads out instead of piling onto one point.
 */
export function tpeSampler(options: TpeOptions = {}): Sampler {
  const config = {
    seed: options.seed ?? 0,
    nStartupTrials: options.nStartupTrials ?? 7,
    nEiCandidates: options.nEiCandidates ?? 24,
    gamma: options.gamma ?? defaultGamma,
    priorWeight: options.priorWeight ?? 1,
    magicClip: options.magicClip ?? true,
    multivariate: options.multivariate ?? true,
    constantLiar: options.constantLiar ?? true,
    weights: options.weights ?? defaultWeights,
    scaleFree: options.scaleFree ?? true,
    bandwidth: options.bandwidth ?? 'neighbour',
    hybrid: options.hybrid ?? true,
  };
  return {
    name: 'tpe',
    suggest(study: StudyView, count: number): Params[] {
      const random = new Random(mixSeed(config.seed, study.trials.length, 0x545045));
      const out: Params[] = [];
      for (let i = 0; i < count; i++) out.push(suggestOne(withRunning(study, out), random, config));
      return out;
    },
  };
}

type Config = Required<Omit<TpeOptions, 'seed'>> & { seed: number };
type Named = { name: string; spec: ParamSpec };

function suggestOne(study: StudyView, random: Random, config: Config): Params {
  const params: Params = {};
  const flat = study.space.params.filter(({ spec }) => conditionsOf(spec).length === 0);
  const groups: Named[][] = config.multivariate && flat.length > 0 ? [flat] : [];
  for (const param of study.space.params)
    if (!(config.multivariate && conditionsOf(param.spec).length === 0)) groups.push([param]);
  for (const group of groups) {
    const active = group.filter(({ spec }) => isActive(spec, params));
    if (active.length === 0) continue;
    Object.assign(params, sampleGroup(study, active, random, config));
  }
  return params;
}

function sampleGroup(study: StudyView, group: readonly Named[], random: Random, config: Config): Params {
  const sign = lossSign(study.direction);
  const observed = study.trials.filter(
    (trial) =>
      group.every(({ name }) => name in trial.params) &&
      (trial.state === 'complete'
        ? Number.isFinite(trial.value)
        : trial.state === 'pruned' || (trial.state === 'running' && config.constantLiar)),
  );
  const finished = observed.filter((trial) => trial.state !== 'running').length;
  if (finished < config.nStartupTrials)
    return Object.fromEntries(group.map(({ name, spec }) => [name, sampleIndependent(spec, random)]));

  const ranked = observed
    .map((trial, index) => ({ index, key: rankKey(trial, sign) }))
    .sort((a, b) => compareKeys(a.key, b.key) || a.index - b.index);
  const nBelow = Math.max(1, Math.min(observed.length - 1, config.gamma(observed.length)));
  const isBelow = new Uint8Array(observed.length);
  for (let i = 0; i < nBelow; i++) isBelow[ranked[i]!.index] = 1;
  const below = observed.filter((_, i) => isBelow[i]);
  const above = observed.filter((_, i) => !isBelow[i]);

  const dims = group.map(({ spec }) => makeDim(spec));
  const estimator = (trials: readonly Trial[]) =>
    new ParzenEstimator(
      dims,
      group.map(({ name }, d) => Float64Array.from(trials, (trial) => encode(dims[d]!, trial.params[name]!))),
      config.weights(trials.length),
      {
        priorWeight: config.priorWeight,
        magicClip: config.magicClip,
        multivariate: group.length > 1,
        scaleFree: config.scaleFree,
        bandwidth: config.bandwidth,
      },
    );
  const good = estimator(below);
  const bad = estimator(above);
  const candidates = good.sample(random, config.nEiCandidates);
  const lGood = good.logPdfs(candidates);
  const lBad = bad.logPdfs(candidates);
  // For a single parameter the marginal ratio is the joint one: adding it changes no ranking.
  const hybrid = config.hybrid && group.length > 1;
  const score = (j: number) =>
    lGood.joint[j]! - lBad.joint[j]! + (hybrid ? lGood.marginal[j]! - lBad.marginal[j]! : 0);
  let best = 0;
  for (let j = 1; j < config.nEiCandidates; j++) if (score(j) > score(best)) best = j;
  return Object.fromEntries(group.map(({ name }, d) => [name, decode(dims[d]!, candidates[d]![best]!)]));
}

/** Sort key: complete trials by loss; pruned after them (further steps first, then last value); running last. */
function rankKey(trial: Trial, sign: number): [number, number, number] {
  if (trial.state === 'complete') return [0, 0, sign * trial.value!];
  if (trial.state === 'pruned') {
    const steps = Object.keys(trial.intermediate ?? {}).map(Number);
    if (steps.length === 0) return [2, 0, 0];
    const last = Math.max(...steps);
    const value = trial.intermediate![last]!;
    return [1, -last, Number.isFinite(value) ? sign * value : Infinity];
  }
  return [2, 0, 0];
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}
