import { describe, expect, it } from 'vitest';
import { metricsOf, reportOf } from './metrics-of.js';

const Y = [
  [1, 0, 1],
  [0, 1, 0],
  [1, 1, 0],
];
const YP = [
  [1, 0, 0],
  [0, 1, 0],
  [1, 0, 0],
];

describe('multilabel metrics', () => {
  it('per label, then macro and micro', () => {
    const report = reportOf('multilabel', { yTrue: Y, yPred: YP }, { numLabels: 3 });
    const m = report.metrics;
    // Labels: (tp, fp, fn) = (2,0,0), (1,0,1), (0,0,1).
    expect(m.precision_macro).toBe(2 / 3);
    expect(m.recall_macro).toBe(0.5);
    expect(m.f1_macro).toBeCloseTo(5 / 9, 15);
    expect(m.precision_micro).toBe(1);
    expect(m.recall_micro).toBe(0.6);
    expect(m.f1_micro).toBeCloseTo(0.75, 15);
    expect(m.accuracy).toBe(1 / 3);
    expect(m.hamming_loss).toBe(2 / 9);
    expect(report.confusionMatrix[2]).toEqual([
      [2, 0],
      [1, 0],
    ]);
    expect(report.warnings).toContain(
      'precision of label 2 is ill-defined (no predicted rows) and set to 0.0',
    );
  });

  it('scores: threshold labels, macro roc_auc (NaN for a single-class column), macro AP', () => {
    const scores = [
      [0.9, 0.2, 0.6],
      [0.1, 0.8, 0.4],
      [0.7, 0.1, 0.3],
    ];
    const m = metricsOf('multilabel', { yTrue: Y, yScore: scores }, { numLabels: 3 });
    expect(m.hamming_loss).toBe(1 / 9);
    // Label 1: positive 0.1 ranks below the negative 0.2, positive 0.8 above it.
    expect(m.roc_auc).toBeCloseTo((1 + 0.5 + 1) / 3, 15);
    const allOnes = metricsOf(
      'multilabel',
      {
        yTrue: [
          [1, 0],
          [1, 1],
        ],
        yScore: [
          [0.2, 0.1],
          [0.3, 0.9],
        ],
      },
      { numLabels: 2 },
    );
    expect(allOnes.roc_auc).toBeNaN();
    expect(allOnes.average_precision).toBe(1);
  });
});
