import { cholesky, solveLower, solveUpper } from './math.js';

/**
 * A Gaussian process on the unit cube with an ARD Matérn-5/2 kernel, a zero mean (targets are
 * standardized first) and Gaussian noise. Hyperparameters (one length scale per dimension, signal
 * and noise variance, all in log space) maximize the marginal likelihood plus weak log-normal
 * priors: a coarse grid over a shared length scale picks the start, then a few dozen gradient
 * steps with an adaptive step size refine every dimension (the gradient is analytic).
 */
export interface GpHyper {
  logLengths: Float64Array;
  logSignal: number;
  logNoise: number;
}

const SQRT5 = Math.sqrt(5);
const LENGTH_PRIOR = { mean: Math.log(0.5), sd: 1 };
const NOISE_PRIOR = { mean: Math.log(1e-3), sd: 2 };
const SIGNAL_PRIOR = { mean: 0, sd: 1 };
const LOG_NOISE_MIN = Math.log(1e-8);

export class GaussianProcess {
  private readonly n: number;
  private readonly chol: Float64Array;
  private readonly alpha: Float64Array;
  private readonly lengths: Float64Array;
  private readonly signal: number;

  private constructor(
    private readonly xs: readonly Float64Array[],
    readonly hyper: GpHyper,
    chol: Float64Array,
    alpha: Float64Array,
  ) {
    this.n = xs.length;
    this.chol = chol;
    this.alpha = alpha;
    this.lengths = hyper.logLengths.map(Math.exp);
    this.signal = Math.exp(hyper.logSignal);
  }

  /** Fits hyperparameters by marginal likelihood (or uses `hyper`) and conditions on (xs, ys). */
  static fit(xs: readonly Float64Array[], ys: Float64Array, hyper?: GpHyper): GaussianProcess {
    const chosen = hyper ?? optimizeHyper(xs, ys);
    for (let jitter = 0; ; jitter++) {
      const k = covariance(xs, chosen, jitter);
      if (cholesky(k, xs.length)) {
        const alpha = solveUpper(k, xs.length, solveLower(k, xs.length, ys));
        return new GaussianProcess(xs, chosen, k, alpha);
      }
      if (jitter > 6) throw new Error('GP covariance is not positive definite');
    }
  }

  /** Posterior mean and variance at x. */
  predict(x: Float64Array): { mean: number; variance: number } {
    const kx = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) kx[i] = this.signal * matern(distance(x, this.xs[i]!, this.lengths));
    let mean = 0;
    for (let i = 0; i < this.n; i++) mean += kx[i]! * this.alpha[i]!;
    const v = solveLower(this.chol, this.n, kx);
    let reduction = 0;
    for (let i = 0; i < this.n; i++) reduction += v[i]! * v[i]!;
    return { mean, variance: Math.max(1e-12, this.signal - reduction) };
  }
}

function matern(r: number): number {
  return (1 + SQRT5 * r + (5 / 3) * r * r) * Math.exp(-SQRT5 * r);
}

function distance(a: Float64Array, b: Float64Array, lengths: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const d = (a[k]! - b[k]!) / lengths[k]!;
    s += d * d;
  }
  return Math.sqrt(s);
}

function covariance(xs: readonly Float64Array[], hyper: GpHyper, jitterLevel = 0): Float64Array {
  const n = xs.length;
  const lengths = hyper.logLengths.map(Math.exp);
  const signal = Math.exp(hyper.logSignal);
  const noise = Math.exp(hyper.logNoise) + (jitterLevel > 0 ? 1e-8 * 10 ** jitterLevel : 0);
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    k[i * n + i] = signal + noise;
    for (let j = 0; j < i; j++) {
      const value = signal * matern(distance(xs[i]!, xs[j]!, lengths));
      k[i * n + j] = value;
      k[j * n + i] = value;
    }
  }
  return k;
}

function logPrior(hyper: GpHyper): number {
  const term = (x: number, p: { mean: number; sd: number }) => -0.5 * ((x - p.mean) / p.sd) ** 2;
  let s = term(hyper.logSignal, SIGNAL_PRIOR) + term(hyper.logNoise, NOISE_PRIOR);
  for (const l of hyper.logLengths) s += term(l, LENGTH_PRIOR);
  return s;
}

/** Log marginal likelihood + log prior, and its gradient in (logLengths…, logSignal, logNoise). */
function objective(
  xs: readonly Float64Array[],
  ys: Float64Array,
  hyper: GpHyper,
): { value: number; grad: Float64Array } {
  const n = xs.length;
  const d = hyper.logLengths.length;
  const grad = new Float64Array(d + 2);
  const k = covariance(xs, hyper);
  if (!cholesky(k, n)) return { value: -Infinity, grad };
  const alpha = solveUpper(k, n, solveLower(k, n, ys));
  let value = logPrior(hyper);
  for (let i = 0; i < n; i++) value -= 0.5 * ys[i]! * alpha[i]! + Math.log(k[i * n + i]!);
  // K⁻¹ column by column from the factor, then W = ααᵀ − K⁻¹.
  const w = new Float64Array(n * n);
  const unit = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    unit.fill(0);
    unit[j] = 1;
    const column = solveUpper(k, n, solveLower(k, n, unit));
    for (let i = 0; i < n; i++) w[i * n + j] = alpha[i]! * alpha[j]! - column[i]!;
  }
  const lengths = hyper.logLengths.map(Math.exp);
  const signal = Math.exp(hyper.logSignal);
  const noise = Math.exp(hyper.logNoise);
  for (let i = 0; i < n; i++) {
    grad[d + 1]! += 0.5 * w[i * n + i]! * noise;
    for (let j = 0; j < n; j++) {
      const r = distance(xs[i]!, xs[j]!, lengths);
      const e = Math.exp(-SQRT5 * r);
      grad[d]! += 0.5 * w[i * n + j]! * signal * (1 + SQRT5 * r + (5 / 3) * r * r) * e;
      if (i === j) continue;
      const common = 0.5 * w[i * n + j]! * signal * (5 / 3) * (1 + SQRT5 * r) * e;
      for (let q = 0; q < d; q++) {
        const delta = (xs[i]![q]! - xs[j]![q]!) / lengths[q]!;
        grad[q]! += common * delta * delta;
      }
    }
  }
  for (let q = 0; q < d; q++) grad[q]! -= (hyper.logLengths[q]! - LENGTH_PRIOR.mean) / LENGTH_PRIOR.sd ** 2;
  grad[d]! -= (hyper.logSignal - SIGNAL_PRIOR.mean) / SIGNAL_PRIOR.sd ** 2;
  grad[d + 1]! -= (hyper.logNoise - NOISE_PRIOR.mean) / NOISE_PRIOR.sd ** 2;
  return { value, grad };
}

function optimizeHyper(xs: readonly Float64Array[], ys: Float64Array): GpHyper {
  const d = xs[0]?.length ?? 0;
  let best: GpHyper | undefined;
  let bestValue = -Infinity;
  for (const length of [0.1, 0.25, 0.5, 1, 2])
    for (const noise of [1e-6, 1e-3, 1e-1]) {
      const hyper = {
        logLengths: new Float64Array(d).fill(Math.log(length)),
        logSignal: 0,
        logNoise: Math.log(noise),
      };
      const { value } = objective(xs, ys, hyper);
      if (value > bestValue) [best, bestValue] = [hyper, value];
    }
  let current = best!;
  let { value, grad } = objective(xs, ys, current);
  let step = 0.1;
  for (let iteration = 0; iteration < 40 && step > 1e-4; iteration++) {
    const norm = Math.hypot(...grad) || 1;
    const next: GpHyper = {
      logLengths: current.logLengths.map((l, q) =>
        clampLog(l + (step * grad[q]!) / norm, Math.log(0.01), Math.log(20)),
      ),
      logSignal: clampLog(current.logSignal + (step * grad[d]!) / norm, -6, 6),
      logNoise: clampLog(current.logNoise + (step * grad[d + 1]!) / norm, LOG_NOISE_MIN, 0),
    };
    const trial = objective(xs, ys, next);
    if (trial.value > value) {
      current = next;
      ({ value, grad } = trial);
      step *= 1.3;
    } else step *= 0.5;
  }
  return current;
}

function clampLog(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}
