import { UsageError } from '../errors.js';
import { inferDirection, type Direction } from './direction.js';

/** A gate amount: absolute (0.02) or relative to |baseline| (0.01 for "1%"). Never negative. */
export interface Threshold {
  kind: 'absolute' | 'relative';
  value: number;
}

/**
 * One metric's gate; structurally compatible with the config's GateConfig. `maxDegradation`
 * "may be up to X worse" (0: no worse at all), `minImprovement` "must be at least X better".
 */
export interface Gate {
  /** Shown in results; defaults to the metric. */
  name?: string;
  metric: string;
  min?: number;
  max?: number;
  maxDegradation?: Threshold;
  minImprovement?: Threshold;
  /** Overrides `inferDirection(metric)`. */
  direction?: Direction;
  /** What a baseline comparison does when the baseline has no value for the metric. */
  onMissingBaseline: 'fail' | 'pass' | 'warn';
}

export type GateCheck = 'min' | 'max' | 'max-degradation' | 'min-improvement';

/**
 * 'no-baseline' is the verdict of a baseline comparison configured to pass without a baseline:
 * it never reads as 'pass'. Configured 'fail' or 'warn' give that status, with a message saying
 * the baseline is missing. Only 'fail' should block a merge.
 */
export type GateStatus = 'pass' | 'fail' | 'warn' | 'no-baseline';

/** One check of one gate. */
export interface GateResult {
  gate: string;
  metric: string;
  check: GateCheck;
  status: GateStatus;
  direction: Direction;
  current: number;
  baseline: number | null;
  /** current − baseline (signed, not direction-adjusted); null without a baseline. */
  delta: number | null;
  /** The bound current was held to (min, max, or baseline ± allowance); null without a baseline. */
  limit: number | null;
  /** One line, for logs, PR comments and check summaries. */
  message: string;
}

/**
 * Evaluates every check of every gate: one result per min, max, maxDegradation and minImprovement
 * present. Bounds are inclusive. A relative amount is a fraction of |baseline|, so a negative
 * baseline cannot flip the comparison (a zero baseline makes the amount 0). Differences within
 * 1e-12 of the compared magnitudes count as equal, so decimal arithmetic such as 0.9 − 0.1 does
 * not fail a limit of 0.8. A NaN current value (an undefined metric) fails every check.
 */
export function evaluateGates(
  current: Readonly<Record<string, number>>,
  baseline: Readonly<Record<string, number>> | null,
  gates: readonly Gate[],
): GateResult[] {
  return gates.flatMap((gate) => evaluateGate(current, baseline, gate));
}

/** 'fail' if any result fails, else 'warn' if any warns, else 'pass'. */
export function overallGateStatus(results: readonly GateResult[]): 'pass' | 'warn' | 'fail' {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  return results.some((r) => r.status === 'warn') ? 'warn' : 'pass';
}

function evaluateGate(
  current: Readonly<Record<string, number>>,
  baseline: Readonly<Record<string, number>> | null,
  gate: Gate,
): GateResult[] {
  validateGate(gate, current);
  const value = current[gate.metric]!;
  const base = baseline?.[gate.metric];
  const known = typeof base === 'number' && !Number.isNaN(base) ? base : null;
  const direction = gate.direction ?? inferDirection(gate.metric);
  const common = { gate: gate.name ?? gate.metric, metric: gate.metric, direction, current: value };
  const withBaseline = { ...common, baseline: known, delta: known === null ? null : value - known };
  const results: GateResult[] = [];
  if (gate.min !== undefined) {
    const pass = value >= gate.min;
    results.push({
      ...withBaseline,
      check: 'min',
      status: pass ? 'pass' : 'fail',
      limit: gate.min,
      message: boundMessage(gate.metric, value, 'min', gate.min, pass),
    });
  }
  if (gate.max !== undefined) {
    const pass = value <= gate.max;
    results.push({
      ...withBaseline,
      check: 'max',
      status: pass ? 'pass' : 'fail',
      limit: gate.max,
      message: boundMessage(gate.metric, value, 'max', gate.max, pass),
    });
  }
  for (const check of ['max-degradation', 'min-improvement'] as const) {
    const threshold = check === 'max-degradation' ? gate.maxDegradation : gate.minImprovement;
    if (threshold === undefined) continue;
    if (known === null) {
      results.push({ ...withBaseline, check, limit: null, ...missingBaseline(gate, check, threshold) });
      continue;
    }
    results.push({
      ...withBaseline,
      check,
      ...compareToBaseline(gate.metric, value, known, direction, check, threshold),
    });
  }
  return results;
}

function compareToBaseline(
  metric: string,
  value: number,
  base: number,
  direction: Direction,
  check: 'max-degradation' | 'min-improvement',
  threshold: Threshold,
): Pick<GateResult, 'status' | 'limit' | 'message'> {
  const sign = direction === 'higher' ? 1 : -1;
  const amount = threshold.kind === 'absolute' ? threshold.value : threshold.value * Math.abs(base);
  // Improvement ≥ −allowance (may be up to X worse) or ≥ requirement (at least X better).
  const needed = check === 'max-degradation' ? -amount : amount;
  const limit = base + sign * needed;
  const improvement = sign * (value - base);
  const tolerance = 1e-12 * Math.max(1, Math.abs(base), Math.abs(value));
  const pass = improvement >= needed - tolerance;
  const what = describeThreshold(threshold, amount);
  const change =
    improvement === 0 ? 'unchanged' : `${fmt(Math.abs(improvement))} ${improvement > 0 ? 'better' : 'worse'}`;
  const head = `${metric} ${fmt(value)} vs baseline ${fmt(base)} (${direction} is better): ${change}`;
  if (Number.isNaN(value)) {
    return {
      status: 'fail',
      limit,
      message: `${metric} is NaN (undefined for this data), so ${check} ${what} fails`,
    };
  }
  const message =
    check === 'max-degradation'
      ? `${head}, ${pass ? 'within' : 'beyond'} the allowed degradation ${what}`
      : `${head}, ${pass ? 'meets' : 'short of'} the required improvement ${what}`;
  return { status: pass ? 'pass' : 'fail', limit, message };
}

function missingBaseline(
  gate: Gate,
  check: 'max-degradation' | 'min-improvement',
  threshold: Threshold,
): Pick<GateResult, 'status' | 'message'> {
  const status: GateStatus = gate.onMissingBaseline === 'pass' ? 'no-baseline' : gate.onMissingBaseline;
  const what = threshold.kind === 'relative' ? `${fmt(threshold.value * 100)}%` : fmt(threshold.value);
  return {
    status,
    message: `no baseline value for ${gate.metric}, so ${check} ${what} cannot be checked; on-missing-baseline is ${gate.onMissingBaseline}`,
  };
}

function boundMessage(
  metric: string,
  value: number,
  bound: 'min' | 'max',
  limit: number,
  pass: boolean,
): string {
  if (Number.isNaN(value))
    return `${metric} is NaN (undefined for this data), so the ${bound} ${fmt(limit)} check fails`;
  const relation = bound === 'min' ? (pass ? '≥' : 'is below') : pass ? '≤' : 'is above';
  return `${metric} ${fmt(value)} ${relation} ${bound} ${fmt(limit)}`;
}

function describeThreshold(threshold: Threshold, amount: number): string {
  return threshold.kind === 'absolute'
    ? `${fmt(amount)} (absolute)`
    : `${fmt(amount)} (${fmt(threshold.value * 100)}% of |baseline|)`;
}

function validateGate(gate: Gate, current: Readonly<Record<string, number>>): void {
  const name = gate.name ?? gate.metric;
  if (typeof current[gate.metric] !== 'number') {
    const known = Object.keys(current).sort().join(', ') || 'none';
    throw new UsageError(`gate ${name}: metric ${gate.metric} was not computed (computed: ${known})`, {
      fix: 'fix the metric name in the gate, or evaluate with the scores or task it needs',
    });
  }
  if (gate.min === undefined && gate.max === undefined && !gate.maxDegradation && !gate.minImprovement) {
    throw new UsageError(`gate ${name} has no threshold`, {
      fix: 'add min, max, maxDegradation or minImprovement',
    });
  }
  for (const [key, bound] of [
    ['min', gate.min],
    ['max', gate.max],
  ] as const) {
    if (bound !== undefined && !Number.isFinite(bound)) {
      throw new UsageError(`gate ${name}: ${key} is ${bound}`, { fix: `write ${key} as a finite number` });
    }
  }
  if (gate.min !== undefined && gate.max !== undefined && gate.min > gate.max) {
    throw new UsageError(`gate ${name}: min ${gate.min} is above max ${gate.max}`, {
      fix: 'swap min and max',
    });
  }
  for (const [key, threshold] of [
    ['maxDegradation', gate.maxDegradation],
    ['minImprovement', gate.minImprovement],
  ] as const) {
    if (threshold && !(Number.isFinite(threshold.value) && threshold.value >= 0)) {
      throw new UsageError(`gate ${name}: ${key} is ${threshold.value}`, {
        fix: 'amounts are never negative: use maxDegradation for "may get worse by", minImprovement for "must get better by"',
      });
    }
  }
  if (!['fail', 'pass', 'warn'].includes(gate.onMissingBaseline)) {
    throw new UsageError(`gate ${name}: onMissingBaseline is ${String(gate.onMissingBaseline)}`, {
      fix: 'use fail, pass or warn',
    });
  }
}

/** Six significant digits, no exponent for ordinary metric values, no trailing zeros. */
function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}
