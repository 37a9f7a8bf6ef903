import { describe, expect, it } from 'vitest';
import { metricsOf, reportOf } from './metrics-of.js';

// Hand-checked binary example: predictions p > 0.5 = [0,1,1,0,1,0]; tp 2, fp 1, fn 1, tn 2.
const Y = [0, 0, 1, 1, 1, 0];
const P = [0.1, 0.6, 0.8, 0.4, 0.9, 0.2];

describe('binary metrics', () => {
  const m = metricsOf('binary', { yTrue: Y, yScore: P });

  it('counts-based metrics', () => {
    expect(m.accuracy).toBe(4 / 6);
    expect(m.precision).toBe(2 / 3);
    expect(m.recall).toBe(2 / 3);
    expect(m.f1).toBeCloseTo(2 / 3, 15);
    expect(m.balanced_accuracy).toBe(2 / 3);
    expect(m.precision_macro).toBe(2 / 3);
    expect(m.f1_weighted).toBeCloseTo(2 / 3, 15);
  });

  it('roc_auc counts 8 of 9 (positive, negative) pairs ordered right', () => {
    expect(m.roc_auc).toBeCloseTo(8 / 9, 15);
  });

  it('average_precision is the step sum: precisions 1, 1, 3/4 at the three positives', () => {
    expect(m.average_precision).toBeCloseTo(11 / 12, 15);
    // scikit-learn's docstring example, where interpolation would give a different number.
    expect(
      metricsOf('binary', { yTrue: [0, 0, 1, 1], yScore: [0.1, 0.4, 0.35, 0.8] }).average_precision,
    ).toBeCloseTo(5 / 6, 15);
  });

  it('log_loss, brier and ECE', () => {
    expect(m.log_loss).toBeCloseTo(-(2 * (Math.log(0.9) + Math.log(0.4) + Math.log(0.8))) / 6, 15);
    expect(m.brier).toBeCloseTo(0.82 / 6, 15);
    // Bins: confidence 0.9 (2 right): |2−1.8|; 0.6 (0 right): |0−1.2|; 0.8 (2 right): |2−1.6|.
    expect(m.ece).toBeCloseTo((0.2 + 1.2 + 0.4) / 6, 15);
  });

  it('confusion matrix is [true][predicted]', () => {
    expect(reportOf('binary', { yTrue: Y, yScore: P }).confusionMatrix).toEqual([
      [2, 1],
      [1, 2],
    ]);
  });

  it('ties: a constant score gives AUC 0.5 and AP = prevalence', () => {
    const tied = metricsOf('binary', { yTrue: [1, 0, 1, 0], yScore: [0.5, 0.5, 0.5, 0.5] });
    expect(tied.roc_auc).toBe(0.5);
    expect(tied.average_precision).toBe(0.5);
    // p = 0.5 is not above the threshold: every row predicted 0.
    expect(tied.recall).toBe(0);
  });

  it('log_loss clips 0 and 1 to machine epsilon, as scikit-learn ≥ 1.2', () => {
    expect(metricsOf('binary', { yTrue: [1, 0], yScore: [0, 1] }).log_loss).toBeCloseTo(52 * Math.LN2, 12);
    expect(metricsOf('binary', { yTrue: [1, 0], yScore: [1, 0] }).log_loss).toBeCloseTo(
      2.220446049250313e-16,
      25,
    );
  });

  it('one class: roc_auc is NaN with a warning, AP is 0 without positives, precision 0/0 is 0', () => {
    const report = reportOf('binary', { yTrue: [0, 0, 0], yScore: [0.2, 0.3, 0.1] });
    expect(report.metrics.roc_auc).toBeNaN();
    expect(report.metrics.average_precision).toBe(0);
    expect(report.metrics.precision).toBe(0);
    expect(report.metrics.accuracy).toBe(1);
    // labels=None: only class 0 is present, so the macro average is over it alone.
    expect(report.metrics.precision_macro).toBe(1);
    expect(report.warnings.join('\n')).toMatch(/roc_auc is undefined/);
    expect(report.warnings.join('\n')).toMatch(/precision of class 1 is ill-defined/);
  });

  it('a single row', () => {
    const one = metricsOf('binary', { yTrue: [1], yScore: [0.7] });
    expect(one.accuracy).toBe(1);
    expect(one.roc_auc).toBeNaN();
    expect(one.average_precision).toBe(1);
    expect(one.brier).toBeCloseTo(0.09, 15);
  });

  it('labels only: no score metrics', () => {
    const m2 = metricsOf('binary', { yTrue: [0, 1], yPred: [1, 1] });
    expect(m2.precision).toBe(0.5);
    expect(m2.roc_auc).toBeUndefined();
    expect(m2.log_loss).toBeUndefined();
  });

  it('a custom threshold changes labels, not scores', () => {
    const low = metricsOf('binary', { yTrue: Y, yScore: P }, { threshold: 0.3 });
    expect(low.recall).toBe(1);
    expect(low.roc_auc).toBe(m.roc_auc);
  });
});

describe('multiclass metrics', () => {
  it('macro and weighted averages from the confusion matrix', () => {
    const report = reportOf(
      'multiclass',
      { yTrue: [0, 1, 2, 2, 1, 0], yPred: [0, 2, 2, 1, 1, 0] },
      { numClasses: 3 },
    );
    expect(report.confusionMatrix).toEqual([
      [2, 0, 0],
      [0, 1, 1],
      [0, 1, 1],
    ]);
    expect(report.metrics.accuracy).toBe(4 / 6);
    expect(report.metrics.precision_macro).toBe(2 / 3);
    expect(report.metrics.recall_macro).toBe(2 / 3);
    expect(report.metrics.f1_weighted).toBeCloseTo(4 / 6, 15);
    expect(report.metrics.balanced_accuracy).toBe(2 / 3);
    expect(report.metrics.precision).toBeUndefined();
  });

  it('classes absent from both y_true and y_pred are left out of macro averages', () => {
    const m = metricsOf('multiclass', { yTrue: [0, 1, 1], yPred: [0, 0, 1] }, { numClasses: 4 });
    expect(m.precision_macro).toBe(0.75);
    expect(m.f1_macro).toBeCloseTo(2 / 3, 15);
  });

  it('a class only predicted: recall 0/0 → 0, ignored by balanced accuracy, with warnings', () => {
    const report = reportOf('multiclass', { yTrue: [0, 0, 1], yPred: [2, 0, 1] }, { numClasses: 3 });
    expect(report.metrics.precision_macro).toBe(2 / 3);
    expect(report.metrics.recall_macro).toBe(0.5);
    expect(report.metrics.balanced_accuracy).toBe(0.75);
    expect(report.warnings).toContain('recall of class 2 is ill-defined (no true rows) and set to 0.0');
  });

  it('roc_auc one-vs-rest macro with ties counted half', () => {
    const scores = [
      [0.6, 0.3, 0.1],
      [0.2, 0.5, 0.3],
      [0.1, 0.6, 0.3],
      [0.3, 0.4, 0.3],
    ];
    // Class 0: 1; class 1: 2/3; class 2: 0.3 beats 0.1 and ties twice → (1 + ½ + ½)/3.
    const m = metricsOf('multiclass', { yTrue: [0, 1, 2, 0], yScore: scores }, { numClasses: 3 });
    expect(m.roc_auc).toBeCloseTo(7 / 9, 15);
    // argmax takes the first maximum: row 4 predicts class 1, row 3 class 1.
    expect(m.accuracy).toBe(0.5);
  });

  it('roc_auc is NaN when a class never occurs in y_true (scikit-learn raises)', () => {
    const report = reportOf(
      'multiclass',
      {
        yTrue: [0, 1],
        yScore: [
          [0.5, 0.3, 0.2],
          [0.2, 0.7, 0.1],
        ],
      },
      { numClasses: 3 },
    );
    expect(report.metrics.roc_auc).toBeNaN();
    expect(report.warnings.join('\n')).toMatch(/class 2 has no rows/);
  });

  it('log_loss renormalises clipped rows', () => {
    const m = metricsOf('multiclass', { yTrue: [2], yScore: [[0.25, 0.25, 0.5]] }, { numClasses: 3 });
    expect(m.log_loss).toBeCloseTo(Math.LN2, 15);
  });
});
