import { ratioToNumber } from './exact-sum.js';

/**
 * The few special functions the significance tests need, accurate to ~1e-15 relative so p-values
 * match scipy's to far better than the 1e-9 the peer test asks for.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** Complementary error function erfc(x) = 1 − erf(x), for x ≥ 0 (and by symmetry below). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 1) return 1 - erfSeries(x);
  return erfcContinuedFraction(x);
}

/** P(χ²₁ > statistic): scipy's chi2.sf(statistic, 1). */
export function chiSquare1Survival(statistic: number): number {
  if (statistic <= 0) return 1;
  return erfc(Math.sqrt(statistic / 2));
}

// erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)); alternating, fast for x < 1.
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 60; n++) {
    term *= -x2 / n;
    const next = term / (2 * n + 1);
    sum += next;
    if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

// erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), by modified Lentz.
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (Math.exp(-x * x) * ONE_OVER_SQRT_PI) / f;
}

/**
 * P(X ≤ k) for X ~ Binomial(n, 1/2). Up to n = 100 000 the sum of binomial coefficients is exact
 * (BigInt) and divided by 2^n with one rounding; beyond that it is summed in log space relative to
 * the largest term, so nothing overflows (accuracy ~1e-11 there).
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (n <= 100_000) {
    let coefficient = 1n;
    let total = 1n;
    for (let i = 0; i < k; i++) {
      coefficient = (coefficient * BigInt(n - i)) / BigInt(i + 1);
      total += coefficient;
    }
    return ratioToNumber(total, 1n << BigInt(n));
  }
  // log C(n, i) by the recurrence C(n, i+1) = C(n, i)·(n−i)/(i+1).
  const logTerms: number[] = [0];
  for (let i = 0; i < k; i++) logTerms.push(logTerms[i]! + Math.log((n - i) / (i + 1)));
  const largest = logTerms.reduce((a, b) => Math.max(a, b), -Infinity);
  let scaled = 0;
  for (const t of logTerms) scaled += Math.exp(t - largest);
  return Math.exp(largest + Math.log(scaled) - n * Math.LN2);
}
