import { describe, expect, it } from 'vitest';
import {
  computeMetrics,
  createAccumulator,
  mergeStates,
  type Batch,
  type EvaluationState,
  type Task,
} from '../../../src/core/evaluate/index.js';
import { createRng } from '../../../src/core/evaluate/prng.js';
import { UsageError } from '../../../src/core/errors.js';

const rng = createRng(7);
const uniform = (): number => rng.nextUint32() / 4294967296;
const rows = 301;

const datasets: { task: Task; options: object; batch: Batch }[] = [
  {
    task: 'binary',
    options: {},
    batch: {
      yTrue: Array.from({ length: rows }, () => rng.nextInt(2)),
      yScore: Array.from({ length: rows }, () => Math.round(uniform() * 20) / 20),
    },
  },
  {
    task: 'multiclass',
    options: { numClasses: 4 },
    batch: {
      yTrue: Array.from({ length: rows }, () => rng.nextInt(4)),
      yScore: Array.from({ length: rows }, () => {
        const raw = [uniform(), uniform(), uniform(), uniform()];
        const total = raw.reduce((a, b) => a + b);
        return raw.map((v) => v / total);
      }),
    },
  },
  {
    task: 'multilabel',
    options: { numLabels: 3 },
    batch: {
      yTrue: Array.from({ length: rows }, () => [rng.nextInt(2), rng.nextInt(2), rng.nextInt(2)]),
      yScore: Array.from({ length: rows }, () => [uniform(), uniform(), uniform()]),
    },
  },
  {
    task: 'regression',
    options: {},
    batch: {
      yTrue: Array.from({ length: rows }, (_, i) => Math.sin(i) * 1e3 + (i % 3 === 0 ? 0 : 0.1)),
      yPred: Array.from({ length: rows }, (_, i) => Math.sin(i) * 1e3 + Math.cos(i * 7)),
    },
  },
];

function slice(batch: Batch, indices: number[]): Batch {
  const pick = <T extends Batch['yScore']>(values: T): T =>
    values && (indices.map((i) => values[i]) as unknown as T);
  return { yTrue: pick(batch.yTrue)!, yScore: pick(batch.yScore), yPred: pick(batch.yPred) };
}

describe('mergeStates', () => {
  for (const { task, options, batch } of datasets) {
    it(`${task}: 1..7 shards merged in any order give exactly the one-pass metrics`, () => {
      const whole = createAccumulator(task, options);
      whole.add(batch);
      const expected = computeMetrics(whole.toState());
      for (let shards = 1; shards <= 7; shards++) {
        const parts: number[][] = Array.from({ length: shards }, () => []);
        for (let i = 0; i < rows; i++) parts[rng.nextInt(shards)]!.push(i);
        const states = parts.map((indices) => {
          const acc = createAccumulator(task, options);
          if (indices.length > 0) acc.add(slice(batch, indices));
          return JSON.parse(JSON.stringify(acc.toState())) as EvaluationState;
        });
        const merged = computeMetrics(mergeStates(states.reverse()));
        expect(merged.metrics).toStrictEqual(expected.metrics);
        expect(merged.confusionMatrix).toStrictEqual(expected.confusionMatrix);
        for (const [key, value] of Object.entries(expected.metrics))
          expect(Object.is(merged.metrics[key], value)).toBe(true);
      }
    });
  }

  it('refuses states of different tasks or options', () => {
    const a = createAccumulator('multiclass', { numClasses: 3 }).toState();
    const b = createAccumulator('multiclass', { numClasses: 4 }).toState();
    expect(() => mergeStates([a, b])).toThrow('shard state 1 has 4 classes, the first has 3');
    expect(() => mergeStates([a, createAccumulator('regression').toState()])).toThrow(UsageError);
    expect(() => mergeStates([])).toThrow('no states to merge');
    expect(() => mergeStates([{ format: 'other' } as unknown as EvaluationState])).toThrow(
      /not a modelops.evaluate.state/,
    );
  });

  it('refuses to mix shards with and without scores', () => {
    const scored = createAccumulator('binary');
    scored.add({ yTrue: [1], yScore: [0.8] });
    const labelsOnly = createAccumulator('binary');
    labelsOnly.add({ yTrue: [1], yPred: [1] });
    expect(() => mergeStates([scored.toState(), labelsOnly.toState()])).toThrow(/lacks scores/);
  });
});
