import { parseDuration } from './duration.js';
import { issue, type PathSegment, type Report } from './issue.js';
import type { RawParam, RawTuningSpace } from './raw-types.js';
import { suggestFix } from './suggest.js';
import type { Scalar, TuningParam, TuningSpace } from './types.js';

/** Trials when a non-grid search sets no budget: enough for TPE to start learning, short enough to notice. */
export const DEFAULT_TRIALS = 20;

const RANGE_KEYS = ['low', 'high', 'log', 'step'] as const;

/** Builds tuning spaces, checking ranges, conditions and that grid spaces are finite. */
export function buildTuningSpaces(
  raw: Record<string, RawTuningSpace> | undefined,
  report: Report,
): Record<string, TuningSpace> {
  const spaces: Record<string, TuningSpace> = {};
  for (const [name, space] of Object.entries(raw ?? {})) spaces[name] = buildSpace(name, space, report);
  return spaces;
}

function buildSpace(name: string, raw: RawTuningSpace, report: Report): TuningSpace {
  const path: PathSegment[] = ['tuning', 'spaces', name];
  const params: Record<string, TuningParam> = {};
  for (const [param, spec] of Object.entries(raw.params))
    params[param] = buildParam(spec, [...path, 'params', param], report);
  for (const [param, spec] of Object.entries(params))
    checkWhen(param, spec, params, [...path, 'params', param, 'when'], report);
  const sampler = raw.sampler ?? 'tpe';
  if (sampler === 'grid') {
    for (const [param, spec] of Object.entries(params)) {
      if (spec.type === 'float' && spec.step === undefined) {
        report(
          issue(
            [...path, 'params', param],
            'is continuous, which a grid cannot enumerate',
            param,
            'add step:, or use sampler: random or tpe',
          ),
        );
      }
    }
  }
  const wallTime = raw.budget?.['wall-time'];
  const trials =
    raw.budget?.trials ?? (sampler === 'grid' || wallTime !== undefined ? undefined : DEFAULT_TRIALS);
  return {
    name,
    model: raw.model,
    command: raw.command,
    params,
    metric: raw.metric,
    direction: raw.direction,
    sampler,
    budget: { trials, wallTimeMs: wallTime === undefined ? undefined : parseDuration(wallTime) },
    seed: raw.seed,
  };
}

function buildParam(raw: RawParam, path: PathSegment[], report: Report): TuningParam {
  const when = Object.fromEntries(
    Object.entries(raw.when ?? {}).map(([key, value]) => [key, Array.isArray(value) ? value : [value]]),
  );
  if (raw.type === 'categorical') {
    for (const key of RANGE_KEYS) {
      if (raw[key] !== undefined)
        report(
          issue(
            [...path, key],
            'does not apply to a categorical parameter',
            raw[key],
            'remove it, or use type: float or int',
          ),
        );
    }
    return { type: 'categorical', choices: raw.choices ?? [], when };
  }
  if (raw.choices !== undefined)
    report(
      issue(
        [...path, 'choices'],
        `does not apply to a ${raw.type} parameter`,
        raw.choices,
        'remove it, or use type: categorical',
      ),
    );
  const low = raw.low ?? 0;
  const high = raw.high ?? 0;
  const log = raw.log ?? false;
  if (low > high)
    report(
      issue(
        [...path, 'high'],
        `is less than low, which is ${low}`,
        high,
        'make high at least low, or swap them',
      ),
    );
  if (log && low <= 0)
    report(
      issue(
        [...path, 'low'],
        'must be above 0 on a log scale',
        low,
        'raise low above 0, or remove log: true',
      ),
    );
  if (raw.type === 'float') {
    if (log && raw.step !== undefined)
      report(issue([...path, 'step'], 'cannot be combined with log: true', raw.step, 'remove step or log'));
    return { type: 'float', low, high, log, step: raw.step, when };
  }
  for (const key of ['low', 'high', 'step'] as const) {
    const value = raw[key];
    if (value !== undefined && !Number.isInteger(value))
      report(
        issue(
          [...path, key],
          'must be a whole number for an int parameter',
          value,
          'round it, or use type: float',
        ),
      );
  }
  if (log && raw.step !== undefined && raw.step !== 1)
    report(issue([...path, 'step'], 'must be 1 with log: true', raw.step, 'remove step or log'));
  return { type: 'int', low, high, log, step: raw.step ?? 1, when };
}

/** A condition must name another parameter of the space, with a value that parameter can take. */
function checkWhen(
  name: string,
  spec: TuningParam,
  params: Record<string, TuningParam>,
  path: PathSegment[],
  report: Report,
): void {
  const others = Object.keys(params).filter((other) => other !== name);
  for (const [other, values] of Object.entries(spec.when)) {
    const target = other === name ? undefined : params[other];
    if (!target) {
      report(
        issue(
          [...path, other],
          other === name ? 'makes the parameter depend on itself' : 'names an unknown parameter',
          other,
          suggestFix(other, others, 'use one of', 'remove the condition'),
          'key',
        ),
      );
      continue;
    }
    if (target.type === 'categorical') {
      for (const value of values) {
        if (!target.choices.some((choice: Scalar) => choice === value)) {
          report(
            issue(
              [...path, other],
              `is a value ${other} never takes`,
              value,
              `use one of its choices: ${target.choices.map(String).join(', ')}`,
            ),
          );
        }
      }
    }
    if (dependsOn(other, name, params, new Set())) {
      report(
        issue(
          [...path, other],
          'makes a circular condition',
          other,
          `remove the when: on ${name} or on ${other}`,
          'key',
        ),
      );
    }
  }
}

function dependsOn(
  param: string,
  on: string,
  params: Record<string, TuningParam>,
  visited: Set<string>,
): boolean {
  if (visited.has(param)) return false;
  visited.add(param);
  return Object.keys(params[param]?.when ?? {}).some(
    (next) => next === on || dependsOn(next, on, params, visited),
  );
}
