import { describe, expect, it } from 'vitest';
import { createPruner, medianPruner, successiveHalvingPruner } from '../../../src/core/tune/pruners/index.js';
import { parseSearchSpace } from '../../../src/core/tune/space.js';
import type { Direction, StudyView, Trial } from '../../../src/core/tune/types.js';

const space = parseSearchSpace({ x: { type: 'float', low: 0, high: 1 } }, 'test');
const curve = (values: number[]): Record<number, number> =>
  Object.fromEntries(values.map((v, i) => [i + 1, v]));
const trial = (number: number, values: number[], state: Trial['state'] = 'complete'): Trial => ({
  number,
  params: { x: 0.5 },
  state,
  value: state === 'complete' ? values.at(-1) : undefined,
  intermediate: curve(values),
});
const study = (trials: Trial[], direction: Direction = 'minimize'): StudyView => ({
  space,
  direction,
  trials,
});

describe('median pruner', () => {
  // Completed losses at step 2: 4, 5, 6, 7, 8 → median 6.
  const history = [5, 6, 7, 8, 9].map((start, i) => trial(i, [start, start - 1, start - 2]));

  it('stops a trial worse than the median at the same step and keeps one better or equal', () => {
    const pruner = medianPruner();
    const bad = trial(9, [9, 6.5], 'running');
    const good = trial(9, [9, 6], 'running');
    expect(pruner.shouldPrune(study([...history, bad]), bad, 2)).toBe(true);
    expect(pruner.shouldPrune(study([...history, good]), good, 2)).toBe(false);
  });

  it('uses the best value so far, respects warm-up and startup, and flips with the direction', () => {
    const wobbly = trial(9, [3, 6.5], 'running'); // best so far 3 < 6
    expect(medianPruner().shouldPrune(study([...history, wobbly]), wobbly, 2)).toBe(false);
    const bad = trial(9, [9, 6.5], 'running');
    expect(medianPruner({ nWarmupSteps: 3 }).shouldPrune(study([...history, bad]), bad, 2)).toBe(false);
    expect(medianPruner({ nStartupTrials: 6 }).shouldPrune(study([...history, bad]), bad, 2)).toBe(false);
    expect(medianPruner().shouldPrune(study([...history, bad], 'maximize'), bad, 2)).toBe(false);
    const low = trial(9, [1, 5], 'running'); // maximize: best 5 < median 6
    expect(medianPruner().shouldPrune(study([...history, low], 'maximize'), low, 2)).toBe(true);
  });

  it('stops a NaN intermediate value and ignores steps nobody else reported', () => {
    const nan = trial(9, [NaN], 'running');
    expect(medianPruner().shouldPrune(study([...history, nan]), nan, 1)).toBe(true);
    const far = trial(9, [1, 1, 1, 100], 'running');
    expect(medianPruner().shouldPrune(study([...history, far]), far, 4)).toBe(false);
  });
});

describe('successive halving pruner', () => {
  // η = 3, rungs at steps 1, 3, 9.
  const pruner = successiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
  const others = [
    trial(0, [1, 1, 1]),
    trial(1, [2, 2, 2]),
    trial(2, [3, 3, 3]),
    trial(3, [4, 4, 4]),
    trial(4, [5, 5, 5]),
  ];

  it('keeps the best 1/η at a rung: with 6 at rung 1 only the best 2 go on', () => {
    const second = trial(9, [1.5], 'running');
    const third = trial(9, [2.5], 'running');
    expect(pruner.shouldPrune(study([...others, second]), second, 1)).toBe(false);
    expect(pruner.shouldPrune(study([...others, third]), third, 1)).toBe(true);
  });

  it('decides only when a rung is first reached', () => {
    const running = trial(9, [1.5, 100], 'running'); // step 2 sits between rungs 1 and 3
    expect(pruner.shouldPrune(study([...others, running]), running, 2)).toBe(false);
    const atRung = trial(9, [1.5, 100, 100], 'running');
    expect(pruner.shouldPrune(study([...others, atRung]), atRung, 3)).toBe(true);
  });

  it('with fewer than η competitors only the best continues; the first trial always does', () => {
    const alone = trial(0, [10], 'running');
    expect(pruner.shouldPrune(study([alone]), alone, 1)).toBe(false);
    const worse = trial(1, [11], 'running');
    expect(pruner.shouldPrune(study([trial(0, [10]), worse]), worse, 1)).toBe(true);
  });

  it('is created by name, and none means no pruner', () => {
    expect(createPruner('successive-halving')?.name).toBe('successive-halving');
    expect(createPruner('none')).toBeUndefined();
    expect(() => createPruner('hyperband')).toThrow(
      "unknown pruner 'hyperband' — use one of none, median, successive-halving",
    );
  });
});
