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
 * Checks the gates that apply to the model, its dataset and the target environment. Gates on a
 * slice or a custom metric are listed as skipped (this build does not compute them yet).
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
}): { results: GateResult[]; skipped: SkippedGate[] } {
  const skipped: SkippedGate[] = [];
  const applicable = gatesFor(options.config, options.modelId, options.environment).filter((gate) => {
    if (gate.dataset !== undefined && gate.dataset !== options.dataset) return false;
    if (gate.slice !== undefined) {
      skipped.push({ gate: gate.name, reason: `slice gates (${gate.slice}) are not evaluated yet` });
      return false;
    }
    if (options.config.metrics[gate.metric] && options.current[gate.metric] === undefined) {
      skipped.push({ gate: gate.name, reason: `custom metric ${gate.metric} is not computed yet` });
      return false;
    }
    return true;
  });
  const results = evaluateGates(options.current, options.baseline, applicable.map(toGate));
  const byName = new Map(applicable.map((g) => [g.name, g]));
  const tests = new Map<string, SignificanceResult>();
  const withSignificance = results.map((result) => {
    const significance = byName.get(result.gate)?.significance;
    const { paired } = options;
    if (!significance || result.baseline === null || !paired || paired.baseline.length === 0) return result;
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
