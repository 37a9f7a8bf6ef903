import type { Random } from './random.js';
import type { Distribution, ParamValue } from './types.js';

/**
 * One distribution at a time: sampling, membership, the map to and from the unit interval that
 * the GP and GA samplers search in, and the values a grid enumerates.
 *
 * Unit map: a continuous float maps linearly (or linearly in log space); a discrete parameter with
 * n values (int, stepped float, categorical) owns n equal cells of [0, 1] and maps to a cell's
 * centre, so every point of the unit interval decodes to a valid value.
 */

/** Number of values of an int, stepped float or categorical; undefined for a continuous float. */
export function levels(spec: Distribution): number | undefined {
  if (spec.type === 'categorical') return spec.choices.length;
  if (spec.type === 'float' && spec.step === undefined) return undefined;
  if (spec.type === 'int' && spec.log) return spec.high - spec.low + 1;
  const step = spec.step ?? 1;
  return Math.round((spec.high - spec.low) / step) + 1;
}

/** The k-th value of a stepped numeric parameter, without float noise (0.1 * 3 → 0.3). */
function stepValue(spec: Exclude<Distribution, { type: 'categorical' }>, k: number): number {
  const value = spec.low + k * (spec.step ?? 1);
  return spec.type === 'int' ? Math.round(value) : Number(value.toPrecision(12));
}

/** A value drawn uniformly (log-uniformly with log: true) from the distribution. */
export function sampleIndependent(spec: Distribution, random: Random): ParamValue {
  if (spec.type === 'categorical') return random.pick(spec.choices);
  if (spec.log) {
    if (spec.type === 'float')
      return clamp(Math.exp(random.uniform(Math.log(spec.low), Math.log(spec.high))), spec);
    // Each integer owns the log-space interval around it, as optuna does.
    const x = Math.exp(random.uniform(Math.log(spec.low - 0.5), Math.log(spec.high + 0.5)));
    return clamp(Math.round(x), spec);
  }
  const n = levels(spec);
  if (n === undefined) return clamp(random.uniform(spec.low, spec.high), spec);
  return stepValue(spec, random.int(n));
}

/** Whether `value` is a value the distribution can produce. */
export function contains(spec: Distribution, value: unknown): boolean {
  if (spec.type === 'categorical') return spec.choices.some((choice) => choice === value);
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (value < spec.low || value > spec.high) return false;
  if (spec.type === 'int' && !Number.isInteger(value)) return false;
  if (spec.step === undefined || spec.log) return true;
  const k = (value - spec.low) / spec.step;
  return Math.abs(k - Math.round(k)) < 1e-9 * Math.max(1, Math.abs(k));
}

/** Index of a discrete value among its levels (categorical choice, int or step position). */
export function levelIndex(spec: Distribution, value: ParamValue): number {
  if (spec.type === 'categorical') return spec.choices.findIndex((choice) => choice === value);
  if (spec.type === 'int' && spec.log) return (value as number) - spec.low;
  return Math.round(((value as number) - spec.low) / (spec.step ?? 1));
}

/** The point of [0, 1] that represents `value`. */
export function toUnit(spec: Distribution, value: ParamValue): number {
  const n = levels(spec);
  if (spec.type !== 'categorical' && spec.log) {
    const x = value as number;
    const [low, high] = spec.type === 'int' ? [spec.low - 0.5, spec.high + 0.5] : [spec.low, spec.high];
    return (Math.log(x) - Math.log(low)) / (Math.log(high) - Math.log(low));
  }
  if (n !== undefined) return (levelIndex(spec, value) + 0.5) / n;
  const { low, high } = spec as { low: number; high: number };
  return ((value as number) - low) / (high - low);
}

/** The value represented by `u` in [0, 1] (clamped into it first). */
export function fromUnit(spec: Distribution, u: number): ParamValue {
  const t = Math.min(1, Math.max(0, u));
  if (spec.type === 'categorical')
    return spec.choices[Math.min(spec.choices.length - 1, Math.floor(t * spec.choices.length))]!;
  if (spec.log) {
    const [low, high] = spec.type === 'int' ? [spec.low - 0.5, spec.high + 0.5] : [spec.low, spec.high];
    const x = Math.exp(Math.log(low) + t * (Math.log(high) - Math.log(low)));
    return clamp(spec.type === 'int' ? Math.round(x) : x, spec);
  }
  const n = levels(spec);
  if (n === undefined) return clamp(spec.low + t * (spec.high - spec.low), spec);
  return stepValue(spec, Math.min(n - 1, Math.floor(t * n)));
}

/** Every value of a discrete distribution in ascending (or declaration) order; throws for a continuous float. */
export function gridValues(spec: Distribution): ParamValue[] {
  if (spec.type === 'categorical') return [...spec.choices];
  const n = levels(spec);
  if (n === undefined) throw new Error('a continuous float has no grid');
  if (spec.type === 'int' && spec.log) return Array.from({ length: n }, (_, k) => spec.low + k);
  return Array.from({ length: n }, (_, k) => stepValue(spec, k));
}

function clamp(x: number, spec: { low: number; high: number }): number {
  return Math.min(spec.high, Math.max(spec.low, x));
}
