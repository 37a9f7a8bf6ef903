import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { medianPruner } from '../../src/core/tune/pruners/index.js';
import { Random } from '../../src/core/tune/random.js';
import { createSampler, enumerateGrid } from '../../src/core/tune/samplers/index.js';
import { parseSearchSpace } from '../../src/core/tune/space.js';
import type { Direction, Params, Trial } from '../../src/core/tune/types.js';

// Peer check against optuna 3.1 (Debian python3-optuna): every suggestion of every sampler is a
// value optuna's own distributions accept (int stays int, steps and log bounds hold); our grid has
// as many points as optuna's GridSampler over the same values; our median pruner decides as
// optuna's MedianPruner on seeded random histories. One python run answers everything.
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'tune_optuna.py');

const raw = {
  lr: { type: 'float', low: 1e-5, high: 0.3, log: true },
  depth: { type: 'int', low: 1, high: 13, step: 3 },
  leaves: { type: 'int', low: 2, high: 1024, log: true },
  frac: { type: 'float', low: 0.05, high: 0.95, step: 0.05 },
  drop: { type: 'float', low: -2.5, high: 7.25 },
  booster: { type: 'categorical', choices: ['gbtree', 'dart', 1, true] },
};
const gridRaw = {
  depth: { type: 'int', low: 1, high: 13, step: 3 },
  frac: { type: 'float', low: 0.05, high: 0.95, step: 0.05 },
  booster: { type: 'categorical', choices: ['gbtree', 'dart', 1, true] },
};

function suggestions(name: string): Params[] {
  const space = parseSearchSpace(raw, 'peer');
  const sampler = createSampler(name, { seed: 42 });
  const trials: Trial[] = [];
  const random = new Random(9);
  while (trials.length < 60)
    for (const params of sampler.suggest({ space, direction: 'minimize', trials }, 3))
      trials.push({ number: trials.length, params, state: 'complete', value: random.next() });
  return trials.map((t) => t.params);
}

interface MedianCase {
  direction: Direction;
  warmup: number;
  startup: number;
  history: number[][];
  current: number[];
  step: number;
}

function medianCases(): MedianCase[] {
  const random = new Random(2026);
  return Array.from({ length: 150 }, () => {
    const steps = 1 + random.int(6);
    const walk = () => Array.from({ length: steps }, () => Math.round(random.uniform(0, 10) * 4) / 4);
    const history = Array.from({ length: random.int(9) }, walk);
    const current = walk().slice(0, 1 + random.int(steps));
    return {
      direction: random.next() < 0.5 ? 'minimize' : 'maximize',
      warmup: random.int(3),
      startup: random.int(5),
      history,
      current,
      step: current.length,
    };
  });
}

describe('tune peers: optuna 3.1', () => {
  const samplers = ['random', 'tpe', 'gp', 'ga'];
  const medians = medianCases();
  const request = {
    spaces: samplers.map((name) => ({ space: raw, suggestions: suggestions(name) })),
    grid: [{ space: gridRaw }],
    median: medians,
  };
  const answer = JSON.parse(
    execFileSync(PYTHON, [SCRIPT], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 26 }),
  ) as { invalid: unknown[][]; gridSizes: number[]; median: boolean[] };

  it.each(samplers.map((name, i) => [name, i] as const))('optuna accepts every %s suggestion', (_, i) => {
    expect(request.spaces[i]!.suggestions).toHaveLength(60);
    expect(answer.invalid[i]).toEqual([]);
  });

  it('the grid has as many points as optuna GridSampler', () => {
    const ours = enumerateGrid(parseSearchSpace(gridRaw, 'peer')).length;
    expect(ours).toBe(5 * 19 * 4);
    expect(answer.gridSizes[0]).toBe(ours);
  });

  it('the median pruner decides as optuna MedianPruner on 150 random histories', () => {
    const space = parseSearchSpace({ x: { type: 'float', low: 0, high: 1 } }, 'peer');
    const ours = medians.map((c) => {
      const curve = (values: number[]) => Object.fromEntries(values.map((v, i) => [i + 1, v]));
      const trials: Trial[] = c.history.map((values, number) => ({
        number,
        params: { x: 0.5 },
        state: 'complete',
        value: values.at(-1),
        intermediate: curve(values),
      }));
      const current: Trial = {
        number: trials.length,
        params: { x: 0.5 },
        state: 'running',
        intermediate: curve(c.current),
      };
      return medianPruner({ nStartupTrials: c.startup, nWarmupSteps: c.warmup }).shouldPrune(
        { space, direction: c.direction, trials: [...trials, current] },
        current,
        c.step,
      );
    });
    expect(ours.filter(Boolean).length).toBeGreaterThan(10);
    expect(ours.filter((x) => !x).length).toBeGreaterThan(10);
    expect(ours).toEqual(answer.median);
  });
});
