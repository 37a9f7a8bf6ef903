import { issue, renderPath, type PathSegment, type Report } from './issue.js';
import type { RawGate } from './raw-types.js';
import { checkThreshold } from './threshold.js';
import type { GateConfig, Threshold } from './types.js';

/**
 * Builds one scope's gates (the global list or one model's), checking what the schema cannot:
 * a gate needs a threshold, bounds must not cross, and names must be unique in the scope because
 * environments and overrides refer to gates by name.
 */
export function buildGates(
  raw: readonly RawGate[] | undefined,
  path: PathSegment[],
  report: Report,
): GateConfig[] {
  const gates = (raw ?? []).map((gate, index) => buildGate(gate, [...path, index], report));
  const seen = new Map<string, number>();
  gates.forEach((gate, index) => {
    const first = seen.get(gate.name);
    if (first !== undefined) {
      const fix = `add a distinct name: to one of them (a gate is named after its metric by default; the other is ${renderPath([...path, first])})`;
      report(issue([...path, index], 'repeats a gate name', gate.name, fix));
    } else seen.set(gate.name, index);
  });
  return gates;
}

function buildGate(raw: RawGate, path: PathSegment[], report: Report): GateConfig {
  const maxDegradation = threshold(raw['max-degradation'], [...path, 'max-degradation'], report);
  const minImprovement = threshold(raw['min-improvement'], [...path, 'min-improvement'], report);
  // `=== undefined`, never truthiness: 0 is a meaningful bound (MLflow's zero-threshold trap).
  if (
    raw.min === undefined &&
    raw.max === undefined &&
    maxDegradation === undefined &&
    minImprovement === undefined
  ) {
    report(issue(path, 'has no threshold', raw.metric, 'add min, max, max-degradation or min-improvement'));
  }
  if (raw.min !== undefined && raw.max !== undefined && raw.min > raw.max) {
    report(
      issue(
        [...path, 'max'],
        `is less than min, which is ${raw.min}`,
        raw.max,
        'make max at least min, or swap them',
      ),
    );
  }
  if (raw.significance && maxDegradation === undefined && minImprovement === undefined) {
    report(
      issue(
        [...path, 'significance'],
        'needs a comparison with the baseline',
        raw.significance,
        'add max-degradation or min-improvement, or remove significance',
      ),
    );
  }
  return {
    name: raw.name ?? raw.metric,
    metric: raw.metric,
    min: raw.min,
    max: raw.max,
    maxDegradation,
    minImprovement,
    direction: raw.direction,
    significance: raw.significance && {
      method: raw.significance.method ?? 'bootstrap',
      confidence: raw.significance.confidence ?? 0.95,
      resamples: raw.significance.resamples ?? 1000,
    },
    slice: raw.slice,
    dataset: raw.dataset,
    environments: raw.environments,
    // "warn" is visible in the PR comment and check summary, so a first version still merges while
    // a missing baseline never passes silently.
    onMissingBaseline: raw['on-missing-baseline'] ?? 'warn',
  };
}

function threshold(
  value: number | string | undefined,
  path: PathSegment[],
  report: Report,
): Threshold | undefined {
  if (value === undefined) return undefined;
  const result = checkThreshold(value);
  if ('kind' in result) return result;
  report(issue(path, result.what, value, result.fix));
  return undefined;
}
