import type { ParamValue, Trial } from './types.js';

/**
 * Parameter importance, "fANOVA-lite": for each parameter, how much of the spread of the objective
 * its value explains, from the complete trials alone — no surrogate model, no random forest.
 *
 * 1. The objective is replaced by its rank (ties share the mean rank), so one diverged trial with a
 *    huge loss does not decide the answer.
 * 2. The trials that have the parameter (a conditional one is absent from some) are grouped: by
 *    value for a categorical or a parameter with few distinct values, else into up to 5 bins of
 *    equal count (quantiles, so a log-scale parameter bins the same as a linear one).
 * 3. Explained share = between-group sum of squares over the total, corrected for the share that
 *    k groups explain by chance (ω²-style: SSB − (k−1)·MSW, floored at 0), so a parameter with no
 *    effect stays near 0 even on 10 trials.
 * 4. `importance` normalizes the shares to sum to 1, as optuna's importances do; `explained` keeps
 *    the share itself. Interactions are not separated: a parameter that matters only together with
 *    another shows up partly in each.
 */
export interface ParamImportance {
  param: string;
  /** Normalized over the parameters: sums to 1 when any parameter explains anything. */
  importance: number;
  /** Share of the objective's (rank) variance this parameter's groups explain, 0…1. */
  explained: number;
  /** Complete trials that had this parameter. */
  trials: number;
}

const MAX_BINS = 5;
/** Fewer complete trials than this say nothing about importance. */
export const MIN_TRIALS_FOR_IMPORTANCE = 4;

export function paramImportances(trials: readonly Trial[], paramNames: readonly string[]): ParamImportance[] {
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== undefined);
  if (complete.length < MIN_TRIALS_FOR_IMPORTANCE) return [];
  const rank = ranks(complete.map((t) => t.value!));
  const shares = paramNames.map((param) => {
    const rows: Array<{ x: ParamValue; y: number }> = [];
    complete.forEach((t, i) => {
      const x = t.params[param];
      if (x !== undefined) rows.push({ x, y: rank[i]! });
    });
    return { param, explained: explainedShare(rows), trials: rows.length };
  });
  const total = shares.reduce((sum, s) => sum + s.explained, 0);
  return shares
    .map((s) => ({ ...s, importance: total > 0 ? s.explained / total : 0 }))
    .sort((a, b) => b.importance - a.importance || a.param.localeCompare(b.param));
}

function explainedShare(rows: Array<{ x: ParamValue; y: number }>): number {
  if (rows.length < MIN_TRIALS_FOR_IMPORTANCE) return 0;
  const groups = group(rows);
  const k = groups.length;
  const n = rows.length;
  if (k < 2 || n <= k) return 0;
  const mean = rows.reduce((s, r) => s + r.y, 0) / n;
  let ssb = 0;
  let ssw = 0;
  for (const g of groups) {
    const m = g.reduce((s, y) => s + y, 0) / g.length;
    ssb += g.length * (m - mean) ** 2;
    for (const y of g) ssw += (y - m) ** 2;
  }
  const sst = ssb + ssw;
  if (sst === 0) return 0;
  const msw = ssw / (n - k);
  return Math.max(0, Math.min(1, (ssb - (k - 1) * msw) / sst));
}

function group(rows: Array<{ x: ParamValue; y: number }>): number[][] {
  const distinct = new Map<string, number[]>();
  for (const r of rows) {
    const key = `${typeof r.x}:${String(r.x)}`;
    distinct.set(key, [...(distinct.get(key) ?? []), r.y]);
  }
  const numeric = rows.every((r) => typeof r.x === 'number');
  if (!numeric || distinct.size <= MAX_BINS) return [...distinct.values()];
  // Quantile bins over the sorted values; equal values never straddle two bins.
  const sorted = [...rows].sort((a, b) => (a.x as number) - (b.x as number));
  const bins = Math.min(MAX_BINS, Math.floor(sorted.length / 2));
  const out: number[][] = [];
  let current: number[] = [];
  sorted.forEach((r, i) => {
    const edge = Math.floor(((out.length + 1) * sorted.length) / bins);
    if (current.length > 0 && i >= edge && r.x !== sorted[i - 1]!.x && out.length < bins - 1) {
      out.push(current);
      current = [];
    }
    current.push(r.y);
  });
  out.push(current);
  return out;
}

/** Ranks 1…n, ties sharing their mean rank. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const out = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) end++;
    const rank = (start + end) / 2 + 1;
    for (let j = start; j <= end; j++) out[order[j]!.i] = rank;
    start = end + 1;
  }
  return out;
}
