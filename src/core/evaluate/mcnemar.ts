import { UsageError } from '../errors.js';
import { binomialHalfCdf, chiSquare1Survival } from './special-functions.js';

/** McNemar's test on the rows where exactly one of two classifiers is right. */
export interface McNemarResult {
  /** Rows only the current model got right (b) and only the baseline got right (c). */
  onlyCurrentCorrect: number;
  onlyBaselineCorrect: number;
  /** Exact: min(b, c), as statsmodels reports it; chi-square: (|b − c| − 1)² / (b + c). */
  statistic: number;
  /** Two-sided. */
  pValue: number;
  method: 'exact' | 'chi-square';
}

export interface McNemarOptions {
  /** Use the exact binomial test while b + c is below this; default 25, the usual rule. */
  exactBelow?: number;
}

/**
 * McNemar's test from per-row correctness of the current and baseline models on the same rows.
 * Only discordant rows matter: under "same accuracy" each is equally likely to favour either model.
 */
export function mcnemar(
  currentCorrect: ArrayLike<boolean | number>,
  baselineCorrect: ArrayLike<boolean | number>,
  options: McNemarOptions = {},
): McNemarResult {
  if (currentCorrect.length !== baselineCorrect.length) {
    throw new UsageError(
      `mcnemar got ${currentCorrect.length} current rows and ${baselineCorrect.length} baseline rows`,
      { fix: 'evaluate both models on the same rows, in the same order' },
    );
  }
  let b = 0;
  let c = 0;
  for (let i = 0; i < currentCorrect.length; i++) {
    const current = Boolean(currentCorrect[i]);
    const base = Boolean(baselineCorrect[i]);
    if (current && !base) b++;
    else if (base && !current) c++;
  }
  return mcnemarFromCounts(b, c, options);
}

/**
 * The test from the discordant counts. Exact: p = min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, ½)
 * (scipy's binomtest two-sided p for p = ½). Otherwise the chi-square statistic with Edwards'
 * continuity correction, p = P(χ²₁ > statistic); b = c = 0 gives p = 1.
 */
export function mcnemarFromCounts(b: number, c: number, options: McNemarOptions = {}): McNemarResult {
  const exactBelow = options.exactBelow ?? 25;
  for (const [name, value] of [
    ['b', b],
    ['c', c],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new UsageError(`mcnemar count ${name} is ${value}`, {
        fix: 'pass counts of discordant rows (integers ≥ 0)',
      });
    }
  }
  const discordant = b + c;
  if (discordant === 0) {
    return { onlyCurrentCorrect: b, onlyBaselineCorrect: c, statistic: 0, pValue: 1, method: 'exact' };
  }
  if (discordant < exactBelow) {
    const smaller = Math.min(b, c);
    const pValue = Math.min(1, 2 * binomialHalfCdf(smaller, discordant));
    return { onlyCurrentCorrect: b, onlyBaselineCorrect: c, statistic: smaller, pValue, method: 'exact' };
  }
  const statistic = (Math.abs(b - c) - 1) ** 2 / discordant;
  return {
    onlyCurrentCorrect: b,
    onlyBaselineCorrect: c,
    statistic,
    pValue: chiSquare1Survival(statistic),
    method: 'chi-square',
  };
}
