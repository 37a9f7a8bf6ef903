import { ConfigError } from '../errors.js';
import { closestName } from '../config/suggest.js';
import { contains, levels, sampleIndependent } from './distributions.js';
import type { Random } from './random.js';
import type { Condition, Distribution, ParamSpec, Params, ParamValue, SearchSpace } from './types.js';

export { contains, fromUnit, gridValues, levels, sampleIndependent, toUnit } from './distributions.js';

/**
 * Search spaces in optuna's vocabulary, from a parsed YAML mapping:
 *
 *   lr:        {type: float, low: 1.0e-4, high: 0.1, log: true}
 *   depth:     {type: int, low: 2, high: 10, step: 2}
 *   booster:   {type: categorical, choices: [gbtree, dart]}
 *   rate_drop: {type: float, low: 0, high: 0.5, when: {booster: dart}}
 *
 * `when` is a mapping (parameter → value or list of values, all must hold), or optuna-style
 * `{param: booster, equals: dart}`, or a list of those. Every mistake is a ConfigError naming the
 * file, the parameter and the fix.
 */
export function parseSearchSpace(raw: unknown, source: string): SearchSpace {
  if (!isMapping(raw) || Object.keys(raw).length === 0)
    throw new ConfigError(`${source}: the search space is empty`, {
      fix: 'add at least one parameter, e.g. lr: {type: float, low: 1.0e-4, high: 0.1, log: true}',
    });
  const params: Array<{ name: string; spec: ParamSpec }> = [];
  for (const [name, value] of Object.entries(raw)) {
    const spec = parseParam(
      value,
      (message, fix) => new ConfigError(`${source}: parameter '${name}' ${message}`, { fix }),
    );
    params.push({ name, spec });
  }
  params.forEach(({ name }, index) => {
    const when = parseWhen(
      (raw as Record<string, Record<string, unknown>>)[name]!.when,
      params,
      index,
      source,
    );
    if (when) params[index]!.spec = { ...params[index]!.spec, when };
  });
  for (const { name, spec } of params) checkSatisfiable(name, spec, params, source);
  return { params };
}

/** The conditions of a parameter as a list (empty: always active). */
export function conditionsOf(spec: ParamSpec): readonly Condition[] {
  if (spec.when === undefined) return [];
  return Array.isArray(spec.when) ? spec.when : [spec.when as Condition];
}

/** The accepted values of a condition as a list. */
export function valuesOf(condition: Condition): readonly ParamValue[] {
  return Array.isArray(condition.equals) ? condition.equals : [condition.equals as ParamValue];
}

/** Whether a parameter is sampled, given the values of the parameters before it. */
export function isActive(spec: ParamSpec, params: Readonly<Params>): boolean {
  return conditionsOf(spec).every((condition) => {
    const value = params[condition.param];
    return value !== undefined && valuesOf(condition).some((wanted) => wanted === value);
  });
}

/** Whether the space never makes a parameter conditional. */
export function isFlat(space: SearchSpace): boolean {
  return space.params.every(({ spec }) => conditionsOf(spec).length === 0);
}

/** Draws a whole parameter set uniformly, leaving out parameters whose condition is false. */
export function sampleSpace(space: SearchSpace, random: Random): Params {
  const params: Params = {};
  for (const { name, spec } of space.params)
    if (isActive(spec, params)) params[name] = sampleIndependent(spec, random);
  return params;
}

/** Whether `params` holds exactly the active parameters, each inside its distribution. */
export function spaceContains(space: SearchSpace, params: Readonly<Params>): boolean {
  const seen: Params = {};
  for (const { name, spec } of space.params) {
    const active = isActive(spec, seen);
    if (active !== name in params) return false;
    if (active) {
      if (!contains(spec, params[name])) return false;
      seen[name] = params[name]!;
    }
  }
  return Object.keys(params).every((name) => space.params.some((param) => param.name === name));
}

/** A canonical key for a parameter set (declaration order), to find duplicates. */
export function paramsKey(space: SearchSpace, params: Readonly<Params>): string {
  return JSON.stringify(space.params.map(({ name }) => (name in params ? params[name] : null)));
}

type Fail = (message: string, fix: string) => ConfigError;

const KEYS: Record<ParamSpec['type'], readonly string[]> = {
  float: ['type', 'low', 'high', 'log', 'step', 'when'],
  int: ['type', 'low', 'high', 'log', 'step', 'when'],
  categorical: ['type', 'choices', 'when'],
};

function parseParam(raw: unknown, fail: Fail): Distribution {
  if (!isMapping(raw)) throw fail('is not a mapping', 'write it as {type: float, low: 0, high: 1}');
  const type = raw.type ?? (raw.choices !== undefined ? 'categorical' : undefined);
  if (type !== 'float' && type !== 'int' && type !== 'categorical')
    throw fail(
      type === undefined ? 'has no type' : `has an unknown type '${String(type)}'`,
      'set type: float, int or categorical',
    );
  for (const key of Object.keys(raw)) {
    if (KEYS[type].includes(key)) continue;
    const close = closestName(key, KEYS[type]);
    const misplaced = ['low', 'high', 'log', 'step', 'choices'].includes(key);
    throw fail(
      misplaced ? `has ${key}, which a ${type} parameter does not take` : `has an unknown key '${key}'`,
      close && !misplaced
        ? `did you mean '${close}'?`
        : `remove it (a ${type} parameter takes ${KEYS[type].join(', ')})`,
    );
  }
  if (type === 'categorical') return parseCategorical(raw, fail);
  const low = number(raw.low, 'low', fail);
  const high = number(raw.high, 'high', fail);
  const log = raw.log ?? false;
  if (typeof log !== 'boolean') throw fail(`has log: ${String(log)}`, 'write log: true or log: false');
  const step = raw.step === undefined || raw.step === null ? undefined : number(raw.step, 'step', fail);
  if (type === 'int')
    for (const [key, value] of [
      ['low', low],
      ['high', high],
      ['step', step],
    ] as const)
      if (value !== undefined && !Number.isInteger(value))
        throw fail(`has ${key}: ${value}, not a whole number`, 'round it, or use type: float');
  if (low >= high)
    throw fail(
      `has low ${low} ≥ high ${high}`,
      low === high
        ? 'a fixed value needs no search: remove the parameter or widen the range'
        : 'swap low and high',
    );
  if (log && low <= 0) throw fail(`has log: true with low ${low}`, 'raise low above 0, or remove log: true');
  if (step !== undefined) {
    if (step <= 0) throw fail(`has step ${step}`, 'use a step above 0');
    if (log && !(type === 'int' && step === 1))
      throw fail('combines step with log: true', 'remove step or log');
    const k = (high - low) / step;
    if (Math.abs(k - Math.round(k)) > 1e-9 * Math.max(1, k)) {
      const fitted = Number((low + Math.floor(k) * step).toPrecision(12));
      throw fail(
        `has step ${step}, which does not divide the range ${low}..${high}`,
        `set high to ${fitted}, or pick a step that divides ${Number((high - low).toPrecision(12))}`,
      );
    }
  }
  if (type === 'int') return { type, low, high, log, step: log ? undefined : (step ?? 1) };
  return step === undefined ? { type, low, high, log } : { type, low, high, log, step };
}

function parseCategorical(raw: Record<string, unknown>, fail: Fail): Distribution {
  const choices = raw.choices;
  if (!Array.isArray(choices) || choices.length === 0)
    throw fail('has no choices', 'add choices: [a, b], or use type: float or int with low and high');
  for (const choice of choices)
    if (!['string', 'number', 'boolean'].includes(typeof choice))
      throw fail(
        `has a choice ${JSON.stringify(choice)} that is not a string, number or boolean`,
        'use scalar choices',
      );
  const duplicate = choices.find((choice, index) => choices.indexOf(choice) !== index);
  if (duplicate !== undefined)
    throw fail(`lists the choice ${JSON.stringify(duplicate)} twice`, 'remove the duplicate');
  return { type: 'categorical', choices: choices as ParamValue[] };
}

function parseWhen(
  raw: unknown,
  params: ReadonlyArray<{ name: string; spec: ParamSpec }>,
  index: number,
  source: string,
): Condition[] | undefined {
  if (raw === undefined || raw === null || (isMapping(raw) && Object.keys(raw).length === 0))
    return undefined;
  const name = params[index]!.name;
  const fail: Fail = (message, fix) => new ConfigError(`${source}: parameter '${name}' ${message}`, { fix });
  const items = Array.isArray(raw) ? raw : [raw];
  const conditions: Condition[] = [];
  for (const item of items) {
    if (!isMapping(item)) throw fail('has a when: that is not a mapping', 'write when: {other_param: value}');
    const pairs: Array<[string, unknown]> =
      'param' in item && 'equals' in item && Object.keys(item).length === 2
        ? [[String(item.param), item.equals]]
        : Object.entries(item);
    for (const [param, equals] of pairs) conditions.push(parseCondition(param, equals, params, index, fail));
  }
  return conditions;
}

function parseCondition(
  param: string,
  equals: unknown,
  params: ReadonlyArray<{ name: string; spec: ParamSpec }>,
  index: number,
  fail: Fail,
): Condition {
  const at = params.findIndex((p) => p.name === param);
  if (at === index)
    throw fail('has a when: on itself', 'make it depend on another parameter, or remove when:');
  if (at < 0) {
    const close = closestName(
      param,
      params.slice(0, index).map((p) => p.name),
    );
    throw fail(
      `has a when: on an unknown parameter '${param}'`,
      close ? `did you mean '${close}'?` : 'name a parameter declared above it',
    );
  }
  if (at > index)
    throw fail(`has a when: on '${param}', which is declared after it`, `move '${param}' above it`);
  const values = Array.isArray(equals) ? equals : [equals];
  const parent = params[at]!.spec;
  if (values.length === 0)
    throw fail(`has an empty list of values for '${param}'`, 'list at least one value');
  for (const value of values)
    if (!contains(parent, value))
      throw fail(
        `is active only when '${param}' is ${JSON.stringify(value)}, a value '${param}' never takes`,
        parent.type === 'categorical'
          ? `use one of ${JSON.stringify(parent.choices)}`
          : `use a value inside ${describe(parent)}`,
      );
  return { param, equals: values.length === 1 ? (values[0] as ParamValue) : (values as ParamValue[]) };
}

/**
 * A parameter is active only when its conditions and, recursively, its parents' conditions hold.
 * Intersecting the allowed values per ancestor finds conditions no assignment can satisfy.
 */
function checkSatisfiable(
  name: string,
  spec: ParamSpec,
  params: ReadonlyArray<{ name: string; spec: ParamSpec }>,
  source: string,
): void {
  const allowed = new Map<string, readonly ParamValue[]>();
  const pending = [...conditionsOf(spec)];
  while (pending.length > 0) {
    const condition = pending.pop()!;
    const before = allowed.get(condition.param);
    const now = before ? before.filter((value) => valuesOf(condition).includes(value)) : valuesOf(condition);
    if (now.length === 0)
      throw new ConfigError(
        `${source}: parameter '${name}' can never be active: its conditions need '${condition.param}' to be both ${JSON.stringify(before)} and ${JSON.stringify(valuesOf(condition))}`,
        { fix: `make the when: of '${name}' agree with the when: of the parameters it depends on` },
      );
    allowed.set(condition.param, now);
    if (!before) pending.push(...conditionsOf(params.find((p) => p.name === condition.param)!.spec));
  }
}

function describe(spec: Distribution): string {
  return spec.type === 'categorical'
    ? JSON.stringify(spec.choices)
    : `${spec.low}..${spec.high}${levels(spec) ? ` (step ${spec.step ?? 1})` : ''}`;
}

function number(value: unknown, key: string, fail: Fail): number {
  if (value === undefined || value === null) throw fail(`has no ${key}`, `add ${key}: <number>`);
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw fail(
      `has ${key}: ${JSON.stringify(value)}, not a finite number`,
      typeof value === 'string'
        ? 'write the number without quotes (1.0e-3, not "1e-3")'
        : `set ${key} to a number`,
    );
  return value;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
