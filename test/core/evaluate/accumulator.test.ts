import { describe, expect, it } from 'vitest';
import { computeMetrics, createAccumulator } from '../../../src/core/evaluate/index.js';
import { UsageError } from '../../../src/core/errors.js';

function usageMessage(run: () => void): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a UsageError');
}

describe('createAccumulator', () => {
  it('names the offending value and the fix, in one line', () => {
    const acc = createAccumulator('binary');
    expect(usageMessage(() => acc.add({ yTrue: [0, 2], yPred: [0, 1] }))).toBe(
      'batch.yTrue[1] is 2, not a class index 0..1 — map class names to indices 0..k-1 in the order of the model outputs, or raise numClasses',
    );
    expect(usageMessage(() => acc.add({ yTrue: [0], yScore: [1.5] }))).toMatch(
      /^batch.yScore\[0\] is 1.5, not a probability/,
    );
    expect(usageMessage(() => acc.add({ yTrue: [0, 1], yScore: [0.5] }))).toMatch(
      /has 1 rows but yTrue has 2/,
    );
    expect(usageMessage(() => acc.add({ yTrue: [0] }))).toMatch(/neither yScore nor yPred/);
    expect(usageMessage(() => createAccumulator('multiclass', { numClasses: 1 }))).toMatch(/numClasses is 1/);
    expect(usageMessage(() => createAccumulator('binary', { threshold: 2 }))).toMatch(/threshold 2/);
    const regression = createAccumulator('regression');
    expect(usageMessage(() => regression.add({ yTrue: [1], yPred: [Number.NaN] }))).toMatch(
      /yPred\[0\] is NaN/,
    );
    const multilabel = createAccumulator('multilabel', { numLabels: 2 });
    expect(usageMessage(() => multilabel.add({ yTrue: [[1, 0, 1]], yPred: [[1, 0]] }))).toMatch(
      /has 3 entries, expected 2/,
    );
  });

  it('adds nothing from a batch with a bad row', () => {
    const acc = createAccumulator('binary');
    acc.add({ yTrue: [1], yPred: [1] });
    expect(() => acc.add({ yTrue: [1, 0], yPred: [1, 7] })).toThrow(UsageError);
    expect(acc.toState().rows).toBe(1);
  });

  it('requires scores in every batch or none', () => {
    const acc = createAccumulator('binary');
    acc.add({ yTrue: [1], yScore: [0.9] });
    expect(usageMessage(() => acc.add({ yTrue: [1], yPred: [1] }))).toMatch(
      /lacks yScore while earlier batches had it/,
    );
  });

  it('is JSON-serializable and keeps working after toState', () => {
    const acc = createAccumulator('multiclass', { numClasses: 3 });
    acc.add({
      yTrue: [0, 2],
      yScore: [
        [0.7, 0.2, 0.1],
        [0.1, 0.1, 0.8],
      ],
    });
    const snapshot = JSON.parse(JSON.stringify(acc.toState()));
    acc.add({ yTrue: [1], yScore: [[0.2, 0.5, 0.3]] });
    expect(computeMetrics(snapshot).rows).toBe(2);
    expect(computeMetrics(acc.toState()).metrics.accuracy).toBe(1);
  });

  it('zero rows: NaN metrics and a warning', () => {
    const report = computeMetrics(createAccumulator('binary').toState());
    expect(report.metrics.accuracy).toBeNaN();
    expect(report.warnings).toContain('no rows were evaluated; every metric is NaN');
  });
});
