import { gatesFor, type GateConfig, type ModelopsConfig } from '../../core/config/index.js';
import { evaluateGates, type Gate, type GateResult } from '../../core/evaluate/index.js';

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
  return { results: evaluateGates(options.current, options.baseline, applicable.map(toGate)), skipped };
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
