import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSampler, enumerateGrid } from '../../../src/core/tune/samplers/index.js';
import { contains, fromUnit, levels, parseSearchSpace, spaceContains } from '../../../src/core/tune/space.js';
import type { Params, SearchSpace, Trial } from '../../../src/core/tune/types.js';

/** Raw YAML-like parameter specs that are valid by construction. */
const floatSpec = fc.oneof(
  fc
    .record({
      low: fc.double({ min: -1e3, max: 1e3, noNaN: true }),
      width: fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
    })
    .map(({ low, width }) => ({ type: 'float', low, high: low + width })),
  fc
    .record({
      low: fc.double({ min: 1e-6, max: 10, noNaN: true }),
      factor: fc.double({ min: 1.5, max: 1e4, noNaN: true }),
    })
    .map(({ low, factor }) => ({ type: 'float', low, high: low * factor, log: true })),
  fc
    .record({
      low: fc.integer({ min: -50, max: 50 }),
      levels: fc.integer({ min: 1, max: 20 }),
      step: fc.constantFrom(0.1, 0.25, 0.5, 2),
    })
    .map(({ low, levels, step }) => ({
      type: 'float',
      low: low / 10,
      high: Number((low / 10 + levels * step).toPrecision(12)),
      step,
    })),
);
const intSpec = fc.oneof(
  fc
    .record({
      low: fc.integer({ min: -100, max: 100 }),
      levels: fc.integer({ min: 1, max: 30 }),
      step: fc.integer({ min: 1, max: 5 }),
    })
    .map(({ low, levels, step }) => ({ type: 'int', low, high: low + levels * step, step })),
  fc
    .record({ low: fc.integer({ min: 1, max: 10 }), span: fc.integer({ min: 1, max: 5000 }) })
    .map(({ low, span }) => ({ type: 'int', low, high: low + span, log: true })),
);
const categoricalSpec = fc
  .uniqueArray(
    fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: -9, max: 9 }), fc.boolean()),
    { minLength: 1, maxLength: 5 },
  )
  .map((choices) => ({ type: 'categorical', choices }));

const rawSpace = fc
  .array(fc.tuple(fc.oneof(floatSpec, intSpec, categoricalSpec), fc.nat(), fc.boolean()), {
    minLength: 1,
    maxLength: 5,
  })
  .map((entries) => {
    const raw: Record<string, Record<string, unknown>> = {};
    entries.forEach(([spec, pick, conditional], i) => {
      const earlier = Object.entries(raw).filter(([, s]) => s.type === 'categorical');
      const param: Record<string, unknown> = { ...spec };
      if (conditional && earlier.length > 0) {
        const [parent, parentSpec] = earlier[pick % earlier.length]!;
        const choices = parentSpec.choices as unknown[];
        param.when = { [parent]: choices[pick % choices.length] };
      }
      raw[`p${i}`] = param;
    });
    return raw;
  });

/** A deterministic pseudo-objective of the parameters, so model-based samplers have something to fit. */
const objective = (params: Params): number => {
  let h = 0;
  for (const [k, v] of Object.entries(params))
    h += (typeof v === 'number' ? Math.sin(v * 1.7 + k.length) : String(v).length) * 0.37;
  return h;
};

function study(space: SearchSpace, samplerName: string, trials: number, seed: number): Trial[] {
  const sampler = createSampler(samplerName, {
    seed,
    tpe: { nStartupTrials: 3 },
    gp: { nStartupTrials: 3, nCandidates: 50 },
    ga: { populationSize: 4 },
  });
  const done: Trial[] = [];
  while (done.length < trials) {
    const batch = sampler.suggest({ space, direction: 'minimize', trials: done }, 2);
    for (const params of batch)
      done.push({ number: done.length, params, state: 'complete', value: objective(params) });
  }
  return done;
}

describe('every suggestion lies in the space', () => {
  it.each(['random', 'tpe', 'ga', 'gp'])('%s', (name) => {
    fc.assert(
      fc.property(rawSpace, fc.nat(1000), (raw, seed) => {
        const space = parseSearchSpace(raw, 'property');
        for (const { params } of study(space, name, name === 'gp' ? 8 : 14, seed))
          expect(spaceContains(space, params), JSON.stringify({ raw, params })).toBe(true);
      }),
      { numRuns: name === 'gp' ? 15 : 40, seed: 20261127 },
    );
  });

  it('grid points, when the space is finite', () => {
    fc.assert(
      fc.property(rawSpace, (raw) => {
        const space = parseSearchSpace(raw, 'property');
        const sizes = space.params.map(({ spec }) => levels(spec));
        if (sizes.some((n) => n === undefined) || sizes.reduce((a, n) => a! * n!, 1)! > 5000) return;
        const points = enumerateGrid(space);
        expect(points.length).toBeGreaterThan(0);
        for (const params of points) expect(spaceContains(space, params)).toBe(true);
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('fromUnit maps every point of [0, 1] to a value of the distribution', () => {
    fc.assert(
      fc.property(
        fc.oneof(floatSpec, intSpec, categoricalSpec),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (raw, u) => {
          const spec = parseSearchSpace({ x: raw }, 'property').params[0]!.spec;
          expect(contains(spec, fromUnit(spec, u))).toBe(true);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});
