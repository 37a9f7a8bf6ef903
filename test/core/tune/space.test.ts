import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { Random } from '../../../src/core/tune/random.js';
import {
  contains,
  fromUnit,
  gridValues,
  isActive,
  parseSearchSpace,
  sampleSpace,
  spaceContains,
  toUnit,
} from '../../../src/core/tune/space.js';

const parse = (raw: unknown) => parseSearchSpace(raw, 'space.yaml');
const errorOf = (raw: unknown): string => {
  try {
    parse(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('parseSearchSpace', () => {
  it('reads floats, ints, categoricals and conditions in declaration order', () => {
    const space = parse({
      lr: { type: 'float', low: 1e-4, high: 0.1, log: true },
      depth: { type: 'int', low: 2, high: 10, step: 2 },
      booster: { type: 'categorical', choices: ['gbtree', 'dart'] },
      rate_drop: { type: 'float', low: 0, high: 0.5, when: { booster: 'dart' } },
      skip: { choices: [true, false], when: { param: 'booster', equals: ['dart'] } },
    });
    expect(space.params.map((p) => p.name)).toEqual(['lr', 'depth', 'booster', 'rate_drop', 'skip']);
    expect(space.params[0]!.spec).toEqual({ type: 'float', low: 1e-4, high: 0.1, log: true });
    expect(space.params[1]!.spec).toEqual({ type: 'int', low: 2, high: 10, log: false, step: 2 });
    expect(space.params[3]!.spec.when).toEqual([{ param: 'booster', equals: 'dart' }]);
    expect(space.params[4]!.spec).toEqual({
      type: 'categorical',
      choices: [true, false],
      when: [{ param: 'booster', equals: 'dart' }],
    });
  });

  it('accepts the shape config/build-tuning produces (when: {} and step: undefined)', () => {
    const space = parse({ x: { type: 'float', low: 0, high: 1, log: false, step: undefined, when: {} } });
    expect(space.params[0]!.spec).toEqual({ type: 'float', low: 0, high: 1, log: false });
  });

  it.each([
    [undefined, 'space.yaml: the search space is empty — add at least one parameter'],
    [{}, 'the search space is empty'],
    [
      { x: { type: 'float', low: 1, high: 1 } },
      "parameter 'x' has low 1 ≥ high 1 — a fixed value needs no search",
    ],
    [{ x: { type: 'float', low: 2, high: 1 } }, "parameter 'x' has low 2 ≥ high 1 — swap low and high"],
    [
      { x: { type: 'float', low: 0, high: 1, log: true } },
      "'x' has log: true with low 0 — raise low above 0",
    ],
    [
      { x: { type: 'float', low: 0, high: 1, step: 0.3 } },
      'does not divide the range 0..1 — set high to 0.9',
    ],
    [{ x: { type: 'int', low: 0, high: 10, step: 3 } }, 'set high to 9'],
    [{ x: { type: 'int', low: 0.5, high: 10 } }, 'has low: 0.5, not a whole number'],
    [{ x: { type: 'categorical' } }, "parameter 'x' has no choices — add choices: [a, b]"],
    [{ x: { type: 'categorical', choices: [] } }, 'has no choices'],
    [{ x: { type: 'categorical', choices: ['a', 'a'] } }, 'lists the choice "a" twice'],
    [
      { x: { type: 'categorical', choices: ['a'], low: 0 } },
      'has low, which a categorical parameter does not take',
    ],
    [{ x: { type: 'float', low: 0, hihg: 1 } }, "has an unknown key 'hihg' — did you mean 'high'?"],
    [
      { x: { type: 'floaty', low: 0, high: 1 } },
      "has an unknown type 'floaty' — set type: float, int or categorical",
    ],
    [{ x: { type: 'float', low: '1e-3', high: 1 } }, 'write the number without quotes'],
    [{ x: { type: 'float', low: 0, high: 1, when: { y: 1 } } }, "has a when: on an unknown parameter 'y'"],
    [
      { x: { type: 'float', low: 0, high: 1, when: { y: 'a' } }, y: { choices: ['a'] } },
      "has a when: on 'y', which is declared after it — move 'y' above it",
    ],
    [{ x: { type: 'float', low: 0, high: 1, when: { x: 1 } } }, 'has a when: on itself'],
    [
      { b: { choices: ['gbtree', 'dart'] }, x: { type: 'float', low: 0, high: 1, when: { b: 'linear' } } },
      `is active only when 'b' is "linear", a value 'b' never takes — use one of ["gbtree","dart"]`,
    ],
    [
      {
        a: { choices: ['x', 'y'] },
        b: { choices: [1, 2], when: { a: 'x' } },
        c: { type: 'int', low: 0, high: 3, when: { b: 1, a: 'y' } },
      },
      "parameter 'c' can never be active: its conditions need 'a' to be both",
    ],
  ])('rejects %j with a clear message', (raw, message) => {
    expect(errorOf(raw)).toContain(message);
  });
});

describe('distributions', () => {
  const space = parse({
    lr: { type: 'float', low: 1e-4, high: 0.1, log: true },
    depth: { type: 'int', low: 2, high: 10, step: 2 },
    trees: { type: 'int', low: 1, high: 1000, log: true },
    frac: { type: 'float', low: 0.1, high: 1, step: 0.1 },
    booster: { type: 'categorical', choices: ['gbtree', 'dart'] },
    rate_drop: { type: 'float', low: 0, high: 0.5, when: { booster: 'dart' } },
  });
  const spec = (name: string) => space.params.find((p) => p.name === name)!.spec;

  it('enumerates discrete values without float noise', () => {
    expect(gridValues(spec('depth'))).toEqual([2, 4, 6, 8, 10]);
    expect(gridValues(spec('frac'))).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  });

  it('maps values to the unit interval and back', () => {
    for (const value of gridValues(spec('frac')))
      expect(fromUnit(spec('frac'), toUnit(spec('frac'), value))).toBe(value);
    for (const value of [1, 2, 17, 999, 1000])
      expect(fromUnit(spec('trees'), toUnit(spec('trees'), value))).toBe(value);
    expect(fromUnit(spec('lr'), 0)).toBeCloseTo(1e-4, 12);
    expect(fromUnit(spec('lr'), 0.5)).toBeCloseTo(Math.sqrt(1e-5), 12);
    expect(fromUnit(spec('booster'), 0.49)).toBe('gbtree');
    expect(fromUnit(spec('booster'), 1)).toBe('dart');
    expect(toUnit(spec('depth'), 2)).toBeCloseTo(0.1, 12);
  });

  it('samples inside the space, dropping inactive parameters', () => {
    const random = new Random(1);
    let dart = 0;
    for (let i = 0; i < 500; i++) {
      const params = sampleSpace(space, random);
      expect(spaceContains(space, params)).toBe(true);
      expect('rate_drop' in params).toBe(params.booster === 'dart');
      if (params.booster === 'dart') dart++;
      expect(isActive(spec('rate_drop'), params)).toBe(params.booster === 'dart');
    }
    expect(dart).toBeGreaterThan(200);
    expect(dart).toBeLessThan(300);
  });

  it('log-int sampling covers small and large values about evenly per decade', () => {
    const random = new Random(2);
    const values = Array.from({ length: 3000 }, () => sampleSpace(space, random).trees as number);
    const below10 = values.filter((v) => v < 10).length / values.length;
    expect(below10).toBeGreaterThan(0.25);
    expect(below10).toBeLessThan(0.42);
  });

  it('contains rejects values off the step, outside the range or of the wrong kind', () => {
    expect(contains(spec('depth'), 4)).toBe(true);
    expect(contains(spec('depth'), 5)).toBe(false);
    expect(contains(spec('frac'), 0.30000000000000004)).toBe(true);
    expect(contains(spec('frac'), 0.35)).toBe(false);
    expect(contains(spec('lr'), 0.2)).toBe(false);
    expect(contains(spec('booster'), 'linear')).toBe(false);
    expect(spaceContains(space, { ...sampleSpace(space, new Random(3)), extra: 1 })).toBe(false);
  });
});
