import type { Random } from '../random.js';
import type { Distribution, ParamValue } from '../types.js';
import { levelIndex } from '../distributions.js';
import { LOG_SQRT_2PI, logSumExp, normalMass } from './math.js';

/**
 * A Parzen estimator over one or more parameters, the building block of TPE: one kernel per
 * observation plus a prior kernel, each a product of a truncated normal per numeric parameter (in
 * log space for log: true; a discrete value owns the interval half a step either side) and a
 * smoothed one-hot per categorical. Bandwidths follow optuna's rules: the distance to the farther
 * neighbour (default, per dimension even for joint kernels) or Scott's rule (on the range, as optuna's
 * multivariate TPE, or on the observations' spread), clipped to
 * [range / min(100, 1 + kernels), range] (the "magic clip").
 */
export interface Dim {
  readonly spec: Distribution;
  readonly categorical: boolean;
  /** Numeric: bounds in the transformed space, widened half a step for discrete values. */
  readonly low: number;
  readonly high: number;
}

export function makeDim(spec: Distribution): Dim {
  if (spec.type === 'categorical') return { spec, categorical: true, low: 0, high: spec.choices.length };
  if (spec.log) {
    const [low, high] = spec.type === 'int' ? [spec.low - 0.5, spec.high + 0.5] : [spec.low, spec.high];
    return { spec, categorical: false, low: Math.log(low), high: Math.log(high) };
  }
  const half = spec.type === 'int' || spec.step !== undefined ? (spec.step ?? 1) / 2 : 0;
  return { spec, categorical: false, low: spec.low - half, high: spec.high + half };
}

/** A value in the estimator's space: log for log scales, the choice index for categoricals. */
export function encode(dim: Dim, value: ParamValue): number {
  if (dim.categorical) return levelIndex(dim.spec, value);
  return dim.spec.type !== 'categorical' && dim.spec.log ? Math.log(value as number) : (value as number);
}

/** The nearest valid parameter value to a point of the estimator's space. */
export function decode(dim: Dim, x: number): ParamValue {
  const spec = dim.spec;
  if (spec.type === 'categorical') return spec.choices[x]!;
  let v = spec.log ? Math.exp(x) : x;
  if (spec.type === 'int' && spec.log) v = Math.round(v);
  else if (spec.type === 'int' || spec.step !== undefined) {
    const step = spec.step ?? 1;
    v = spec.low + Math.round((v - spec.low) / step) * step;
    v = spec.type === 'int' ? Math.round(v) : Number(v.toPrecision(12));
  }
  return Math.min(spec.high, Math.max(spec.low, v));
}

function isDiscrete(dim: Dim): boolean {
  return (
    !dim.categorical &&
    (dim.spec.type === 'int' || (dim.spec.type === 'float' && dim.spec.step !== undefined))
  );
}

export interface ParzenOptions {
  priorWeight: number;
  magicClip: boolean;
  multivariate: boolean;
  /** Score every kernel by its shape only (peak height independent of bandwidth). */
  scaleFree?: boolean;
  /** Multivariate bandwidth: Scott's rule on the range (optuna) or on the observations' spread, or the univariate neighbour rule per dimension. */
  bandwidth?: 'range' | 'spread' | 'neighbour';
}

export class ParzenEstimator {
  private readonly kernels: number;
  private readonly weights: Float64Array;
  private readonly logWeights: Float64Array;
  private readonly mus: Float64Array[] = [];
  private readonly sigmas: Float64Array[] = [];
  private readonly logNorm: Float64Array[] = [];
  private readonly logProbs: Float64Array[] = [];
  private readonly logSigmas: Float64Array[] = [];

  /** `observations[d][i]`: encoded value of observation i in dimension d; `weights` per observation. */
  constructor(
    private readonly dims: readonly Dim[],
    observations: readonly Float64Array[],
    observationWeights: ArrayLike<number>,
    options: ParzenOptions,
  ) {
    const m = observationWeights.length;
    this.kernels = m + 1;
    this.weights = new Float64Array(this.kernels);
    let total = options.priorWeight;
    for (let i = 0; i < m; i++) total += observationWeights[i]!;
    for (let i = 0; i < m; i++) this.weights[i] = observationWeights[i]! / total;
    this.weights[m] = options.priorWeight / total;
    this.logWeights = this.weights.map(Math.log);
    dims.forEach((dim, d) => {
      const xs = observations[d]!;
      if (dim.categorical) {
        const n = dim.high;
        const table = new Float64Array(this.kernels * n);
        for (let k = 0; k < this.kernels; k++) {
          const hit = k < m ? xs[k]! : -1;
          const denominator = options.priorWeight + (hit >= 0 ? 1 : 0);
          for (let c = 0; c < n; c++)
            table[k * n + c] = Math.log((options.priorWeight / n + (c === hit ? 1 : 0)) / denominator);
        }
        this.logProbs[d] = table;
        this.mus[d] = new Float64Array(0);
        this.sigmas[d] = new Float64Array(0);
        this.logNorm[d] = new Float64Array(0);
        this.logSigmas[d] = new Float64Array(0);
        return;
      }
      this.logProbs[d] = new Float64Array(0);
      const mus = new Float64Array(this.kernels);
      mus.set(xs);
      mus[m] = 0.5 * (dim.low + dim.high);
      const range = dim.high - dim.low;
      const sigmas =
        options.multivariate && options.bandwidth !== 'neighbour'
          ? options.bandwidth === 'spread'
            ? spreadSigmas(xs, dims.length, range)
            : scottSigmas(m, dims.length, range)
          : neighbourSigmas(mus, m, dim.low, dim.high);
      sigmas[m] = range;
      const minSigma = options.magicClip ? range / Math.min(100, 1 + this.kernels) : 1e-12 * range;
      const logNorm = new Float64Array(this.kernels);
      for (let k = 0; k < this.kernels; k++) {
        sigmas[k] = Math.min(range, Math.max(minSigma, sigmas[k]!));
        logNorm[k] = Math.log(
          Math.max(1e-300, normalMass((dim.low - mus[k]!) / sigmas[k]!, (dim.high - mus[k]!) / sigmas[k]!)),
        );
      }
      this.mus[d] = mus;
      this.sigmas[d] = sigmas;
      this.logSigmas[d] = options.scaleFree ? new Float64Array(this.kernels) : sigmas.map(Math.log);
      this.logNorm[d] = logNorm;
    });
  }

  /** `count` points drawn from the mixture, as encoded values per dimension (`[d][j]`). */
  sample(random: Random, count: number): Float64Array[] {
    const out = this.dims.map(() => new Float64Array(count));
    for (let j = 0; j < count; j++) {
      const k = random.weighted(this.weights, 1);
      this.dims.forEach((dim, d) => {
        if (dim.categorical) {
          const n = dim.high;
          const probs = Array.from({ length: n }, (_, c) => Math.exp(this.logProbs[d]![k * n + c]!));
          out[d]![j] = random.weighted(probs);
          return;
        }
        const mu = this.mus[d]![k]!;
        const sigma = this.sigmas[d]![k]!;
        let x = NaN;
        for (let tries = 0; tries < 64; tries++) {
          const candidate = mu + sigma * random.normal();
          if (candidate >= dim.low && candidate <= dim.high) {
            x = candidate;
            break;
          }
        }
        if (Number.isNaN(x)) x = random.uniform(dim.low, dim.high);
        // A discrete value is scored by its whole cell, so snap before scoring.
        out[d]![j] = isDiscrete(dim) ? encode(dim, decode(dim, x)) : x;
      });
    }
    return out;
  }

  /** log density (log mass for discrete dimensions) of each point in `points[d][j]`. */
  logPdf(points: readonly Float64Array[]): Float64Array {
    return this.logPdfs(points).joint;
  }

  /**
   * Per point: the joint log density, and the log of the product of the per-dimension marginal
   * densities (what a univariate TPE scores, one dimension at a time). One pass computes both:
   * the marginal of dimension d is the same kernels' terms, mixed before the product over d.
   */
  logPdfs(points: readonly Float64Array[]): { joint: Float64Array; marginal: Float64Array } {
    const count = points[0]?.length ?? 0;
    const joint = new Float64Array(count);
    const marginal = new Float64Array(count);
    const terms = new Float64Array(this.kernels);
    const one = new Float64Array(this.kernels);
    for (let j = 0; j < count; j++) {
      terms.set(this.logWeights);
      let sum = 0;
      this.dims.forEach((dim, d) => {
        this.kernelTerms(dim, d, points[d]![j]!, one);
        for (let k = 0; k < this.kernels; k++) {
          terms[k]! += one[k]!;
          one[k]! += this.logWeights[k]!;
        }
        sum += logSumExp(one);
      });
      joint[j] = logSumExp(terms);
      marginal[j] = sum;
    }
    return { joint, marginal };
  }

  /** `out[k]`: log density (or mass) of kernel k at encoded value x of dimension d. */
  private kernelTerms(dim: Dim, d: number, x: number, out: Float64Array): void {
    if (dim.categorical) {
      const n = dim.high;
      for (let k = 0; k < this.kernels; k++) out[k] = this.logProbs[d]![k * n + x]!;
      return;
    }
    const mus = this.mus[d]!;
    const sigmas = this.sigmas[d]!;
    const logNorm = this.logNorm[d]!;
    const logSigmas = this.logSigmas[d]!;
    if (isDiscrete(dim)) {
      const [lower, upper] = cell(dim, x);
      for (let k = 0; k < this.kernels; k++) {
        const mass = normalMass((lower - mus[k]!) / sigmas[k]!, (upper - mus[k]!) / sigmas[k]!);
        out[k] = Math.log(Math.max(1e-300, mass)) - logNorm[k]!;
      }
      return;
    }
    for (let k = 0; k < this.kernels; k++) {
      const z = (x - mus[k]!) / sigmas[k]!;
      out[k] = -0.5 * z * z - LOG_SQRT_2PI - logSigmas[k]! - logNorm[k]!;
    }
  }
}

/** The encoded interval a discrete value owns. */
function cell(dim: Dim, x: number): [number, number] {
  const spec = dim.spec as { low: number; step?: number; log?: boolean };
  if (spec.log) {
    const v = Math.exp(x);
    return [Math.log(v - 0.5), Math.log(v + 0.5)];
  }
  const half = (spec.step ?? 1) / 2;
  return [x - half, x + half];
}

function scottSigmas(m: number, dimensions: number, range: number): Float64Array {
  const sigmas = new Float64Array(m + 1);
  sigmas.fill(0.2 * Math.max(m, 1) ** (-1 / (dimensions + 4)) * range);
  return sigmas;
}

/** Each kernel's bandwidth: the distance to its farther neighbour among the sorted means (prior included). */
function neighbourSigmas(mus: Float64Array, m: number, low: number, high: number): Float64Array {
  const order = Array.from(mus.keys()).sort((a, b) => mus[a]! - mus[b]!);
  const sorted = order.map((i) => mus[i]!);
  const withEnds = [low, ...sorted, high];
  const sigmas = new Float64Array(m + 1);
  order.forEach((original, position) => {
    const i = position + 1;
    let left = withEnds[i]! - withEnds[i - 1]!;
    let right = withEnds[i + 1]! - withEnds[i]!;
    // optuna's consider_endpoints=False: the outermost kernels ignore the distance to the bound.
    if (position === 0 && sorted.length > 1) left = right;
    if (position === sorted.length - 1 && sorted.length > 1) right = left;
    sigmas[original] = Math.max(left, right);
  });
  return sigmas;
}

/** Scott's rule on the observations' standard deviation (never wider than the range rule). */
function spreadSigmas(xs: Float64Array, dimensions: number, range: number): Float64Array {
  const m = xs.length;
  let mean = 0;
  for (const x of xs) mean += x / Math.max(m, 1);
  let variance = 0;
  for (const x of xs) variance += (x - mean) ** 2 / Math.max(m - 1, 1);
  const factor = Math.max(m, 1) ** (-1 / (dimensions + 4));
  const sigma = Math.min(0.2 * range, 1.06 * Math.sqrt(variance)) * factor;
  return new Float64Array(m + 1).fill(sigma);
}
