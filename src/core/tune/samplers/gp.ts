import { mixSeed, Random } from '../random.js';
import { conditionsOf, fromUnit, isActive, sampleIndependent, toUnit } from '../space.js';
import type { Params, ParamSpec, Sampler, StudyView } from '../types.js';
import { GaussianProcess } from './gp-model.js';
import { LOG_SQRT_2PI, normalCdf } from './math.js';
import { completedTrials, lossSign, withRunning } from './observations.js';

export interface GpOptions {
  seed?: number;
  /** Random suggestions before the first model. Default max(5, dimensions + 1). */
  nStartupTrials?: number;
  /** Random candidates scored before the local search. Default 1000. */
  nCandidates?: number;
  /** Fit on at most this many completed trials (the best ones), to bound the O(n³) cost. Default 200. */
  maxObservations?: number;
  /** Losses enter the fit standardized (default) or as normal scores of their ranks (robust to outliers). */
  warp?: 'standard' | 'rank';
}

/**
 * Bayesian optimization with a Gaussian process, for small continuous budgets: fit the GP
 * (gp-model.ts) to the completed trials' standardized losses, maximize log expected improvement by scoring random candidates and
 * perturbations of the best trials, then hill-climb from the five best. Discrete values are snapped
 * before scoring, so the acquisition sees what will run. Running trials and earlier members of a
 * batch enter at the model's mean ("kriging believer"), which collapses the variance there and
 * pushes parallel suggestions apart. Conditional parameters are drawn at random: the GP models
 * the unconditional ones.
 */
export function gpSampler(options: GpOptions = {}): Sampler {
  const seed = options.seed ?? 0;
  return {
    name: 'gp',
    suggest(study: StudyView, count: number): Params[] {
      const random = new Random(mixSeed(seed, study.trials.length, 0x4750));
      const out: Params[] = [];
      for (let i = 0; i < count; i++) out.push(suggestOne(withRunning(study, out), random, options));
      return out;
    },
  };
}

type Named = { name: string; spec: ParamSpec };

function suggestOne(study: StudyView, random: Random, options: GpOptions): Params {
  const modelled = study.space.params.filter(({ spec }) => conditionsOf(spec).length === 0);
  const d = modelled.length;
  const done = completedTrials(study).filter((t) => modelled.every(({ name }) => name in t.params));
  const params: Params = {};
  if (d > 0 && done.length >= (options.nStartupTrials ?? Math.max(5, d + 1)))
    Object.assign(params, optimize(study, modelled, done, random, options));
  for (const { name, spec } of study.space.params)
    if (!(name in params) && isActive(spec, params)) params[name] = sampleIndependent(spec, random);
  return params;
}

function optimize(
  study: StudyView,
  modelled: readonly Named[],
  done: ReturnType<typeof completedTrials>,
  random: Random,
  options: GpOptions,
): Params {
  const sign = lossSign(study.direction);
  const encode = (p: Params) => Float64Array.from(modelled, ({ name, spec }) => toUnit(spec, p[name]!));
  const snap = (x: Float64Array) =>
    Float64Array.from(modelled, ({ spec }, q) => toUnit(spec, fromUnit(spec, x[q]!)));
  const ranked = [...done].sort((a, b) => sign * a.value! - sign * b.value!);
  const kept = ranked.slice(0, options.maxObservations ?? 200);
  const xs = kept.map((t) => encode(t.params));
  const ys = warp(
    kept.map((t) => sign * t.value!),
    options.warp ?? 'standard',
  );
  let gp = GaussianProcess.fit(xs, ys);
  const pending = study.trials.filter(
    (t) => t.state === 'running' && modelled.every(({ name }) => name in t.params),
  );
  if (pending.length > 0) {
    const px = pending.map((t) => encode(t.params));
    const py = px.map((x) => gp.predict(x).mean);
    gp = GaussianProcess.fit([...xs, ...px], Float64Array.from([...ys, ...py]), gp.hyper);
  }
  const best = Math.min(...ys);
  const score = (x: Float64Array) => {
    const { mean, variance } = gp.predict(x);
    return logEi(best - mean, Math.sqrt(variance));
  };

  const d = modelled.length;
  const candidates: Array<{ x: Float64Array; value: number }> = [];
  const add = (x: Float64Array) => {
    const snapped = snap(x);
    candidates.push({ x: snapped, value: score(snapped) });
  };
  const nCandidates = options.nCandidates ?? 1000;
  for (let i = 0; i < nCandidates; i++) add(Float64Array.from({ length: d }, () => random.next()));
  for (const x of xs.slice(0, 5))
    for (let i = 0; i < 40; i++) add(x.map((v) => clamp01(v + 0.05 * random.normal())));
  candidates.sort((a, b) => b.value - a.value);

  let winner = candidates[0]!;
  for (const start of candidates.slice(0, 5)) {
    let current = start;
    let step = 0.05;
    for (let iteration = 0; iteration < 40 && step > 1e-4; iteration++) {
      const x = snap(current.x.map((v) => clamp01(v + step * random.normal())));
      const value = score(x);
      if (value > current.value) {
        current = { x, value };
        step *= 1.5;
      } else step *= 0.8;
    }
    if (current.value > winner.value) winner = current;
  }
  return Object.fromEntries(modelled.map(({ name, spec }, q) => [name, fromUnit(spec, winner.x[q]!)]));
}

/** Standardized losses, or the normal scores of their ranks. */
function warp(losses: number[], kind: 'standard' | 'rank'): Float64Array {
  const n = losses.length;
  const mean = losses.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(losses.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1)) || 1;
  const order = losses.map((_, i) => i).sort((a, b) => losses[a]! - losses[b]!);
  const ranks = new Float64Array(n);
  order.forEach((i, r) => (ranks[i] = normalQuantile((r + 0.5) / n)));
  return Float64Array.from(losses, (y, i) => {
    const z = (y - mean) / sd;
    return kind === 'standard' ? z : ranks[i]!;
  });
}

/** log EI for improvement u = best − mean and standard deviation s, stable far into the tail. */
export function logEi(u: number, s: number): number {
  const z = u / s;
  if (z > -6) {
    const value = s * (z * normalCdf(z) + Math.exp(-0.5 * z * z - LOG_SQRT_2PI));
    return Math.log(Math.max(value, 1e-300));
  }
  // h(z) = zΦ(z) + φ(z) ≈ φ(z)/z² for z → −∞.
  return Math.log(s) - 0.5 * z * z - LOG_SQRT_2PI - 2 * Math.log(-z);
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error below 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const dd = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((dd[0]! * q + dd[1]!) * q + dd[2]!) * q + dd[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
