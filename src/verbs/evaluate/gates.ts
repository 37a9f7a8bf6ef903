import { gatesFor, type GateConfig, type ModelopsConfig } from '../../core/config/index.js';
import { evaluateGates, type Gate, type GateResult, type Task } from '../../core/evaluate/index.js';
import { applySignificance, pairedTest, type SignificanceResult } from './significance.js';

/** The outcome of all gates of one model. */
export type Verdict = 'pass' | 'fail' | 'warn' | 'no-baseline';

/** A configured gate this run could not check, and why (shown, never silently passed). */
export interface SkippedGate {
  gate: string;
  reason: string;
}

/** A gate result, on the whole data or on one slice of it. */
export type CheckedGate = GateResult & { slice?: string };

/** Every slice's metrics, for the candidate and (when there is one) the baseline. */
export interface SliceMetrics {
  candidate: Record<string, Record<string, number>>;
  baseline: Record<string, Record<string, number>> | null;
}

/** Gates with `slice: '*'` apply to every slice of the dataset: "no slice worse than X". */
export const EVERY_SLICE = '*';

/** The config's gate in the evaluate core's shape. */
export function toGate(config: GateConfig): Gate {
  return {
    name: config.name,
    metric: config.metric,
    ...(config.min !== undefined ? { min: config.min } : {}),
    ...(config.max !== undefined ? { max: config.max } : {}),
    ...(config.maxDegradation ? { maxDegradation: config.maxDegradation } : {}),
    ...(config.minImprovement ? { minImprovement: config.minImprovement } : {}),
    ...(config.direction ? { direction: config.direction } : {}),
    onMissingBaseline: config.onMissingBaseline,
  };
}

/**
 * Checks the gates that apply to the model, its dataset and the target environment. A gate with
 * `slice` is checked on that slice's metrics (`'*'`: on each slice); a slice without rows, or a
 * custom metric not computed (e.g. after --merge), is listed as skipped, never silently passed.
 */
export function checkGates(options: {
  config: ModelopsConfig;
  modelId: string;
  environment: string;
  dataset: string | undefined;
  current: Record<string, number>;
  baseline: Record<string, number> | null;
  /** Per-row values of both models on the same rows, for gates with `significance`. */
  paired?: { task: Task; candidate: readonly number[]; baseline: readonly number[] };
  slices?: SliceMetrics;
}): { results: CheckedGate[]; skipped: SkippedGate[] } {
  const skipped: SkippedGate[] = [];
  const sliceGates: GateConfig[] = [];
  const applicable = gatesFor(options.config, options.modelId, options.environment).filter((gate) => {
    if (gate.dataset !== undefined && gate.dataset !== options.dataset) return false;
    if (options.config.metrics[gate.metric] && options.current[gate.metric] === undefined) {
      skipped.push({ gate: gate.name, reason: `custom metric ${gate.metric} was not computed in this run` });
      return false;
    }
    if (gate.slice !== undefined) {
      sliceGates.push(gate);
      return false;
    }
    return true;
  });
  const results: CheckedGate[] = evaluateGates(
    options.current,
    options.baseline,
    applicable.map((g) => toGate(withDirection(g, options.config))),
  );
  for (const gate of sliceGates) results.push(...checkSliceGate(gate, options, skipped));
  const byName = new Map(applicable.map((g) => [g.name, g]));
  const tests = new Map<string, SignificanceResult>();
  const withSignificance = results.map((result) => {
    const significance = byName.get(result.gate)?.significance;
    const { paired } = options;
    if (!significance || result.baseline === null || !paired || paired.baseline.length === 0) return result;
    if (result.slice !== undefined) return result;
    if (result.check !== 'max-degradation' && result.check !== 'min-improvement') return result;
    if (paired.candidate.length !== paired.baseline.length) return result;
    const key = `${significance.method}/${significance.confidence}/${significance.resamples}`;
    let test = tests.get(key);
    if (!test)
      tests.set(key, (test = pairedTest(paired.task, paired.candidate, paired.baseline, significance)));
    return { ...applySignificance(result, test), significance: test };
  });
  return { results: withSignificance, skipped };
}

/** One slice gate on each slice it names that had rows; the result messages name the slice. */
function checkSliceGate(
  gate: GateConfig,
  options: { config: ModelopsConfig; current: Record<string, number>; slices?: SliceMetrics },
  skipped: SkippedGate[],
): CheckedGate[] {
  const candidate = options.slices?.candidate ?? {};
  const names = gate.slice === EVERY_SLICE ? Object.keys(candidate).sort() : [gate.slice!];
  const results: CheckedGate[] = [];
  for (const slice of names) {
    const current = candidate[slice];
    if (!current) {
      skipped.push({ gate: gate.name, reason: `slice ${slice} has no rows in this data` });
      continue;
    }
    const base = options.slices?.baseline?.[slice] ?? null;
    for (const r of evaluateGates(current, base, [toGate(withDirection(gate, options.config))])) {
      results.push({ ...r, slice, message: `slice ${slice}: ${r.message}` });
    }
  }
  if (names.length === 0) skipped.push({ gate: gate.name, reason: 'the data has no slices with rows' });
  return results;
}

/** A custom metric's configured direction, unless the gate overrides it. */
function withDirection(gate: GateConfig, config: ModelopsConfig): GateConfig {
  const custom = config.metrics[gate.metric];
  return custom && !gate.direction ? { ...gate, direction: custom.direction } : gate;
}

/**
 * fail if any check fails; else warn if any warns or a gate was skipped; else no-baseline if a
 * baseline comparison had nothing to compare with; else pass (also when no gate applies).
 */
export function verdictOf(results: readonly GateResult[], skipped: readonly SkippedGate[]): Verdict {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  if (results.some((r) => r.status === 'warn') || skipped.length > 0) return 'warn';
  if (results.some((r) => r.status === 'no-baseline')) return 'no-baseline';
  return 'pass';
}
