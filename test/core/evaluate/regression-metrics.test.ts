import { describe, expect, it } from 'vitest';
import { metricsOf, reportOf } from './metrics-of.js';

describe('regression metrics', () => {
  it("scikit-learn's docstring example", () => {
    const m = metricsOf('regression', { yTrue: [3, -0.5, 2, 7], yPred: [2.5, 0, 2, 8] });
    expect(m.mae).toBe(0.5);
    expect(m.mse).toBe(0.375);
    expect(m.rmse).toBe(Math.sqrt(0.375));
    expect(m.max_error).toBe(1);
    expect(m.r2).toBeCloseTo(0.9486081370449679, 15);
    expect(m.explained_variance).toBeCloseTo(0.9571734475374732, 15);
    expect(m.mape).toBeCloseTo((0.5 / 3 + 1 + 0 + 1 / 7) / 4, 15);
  });

  it('r2 with constant y_true: 1.0 if perfect, else 0.0 (force_finite)', () => {
    expect(metricsOf('regression', { yTrue: [2, 2, 2], yPred: [2, 2, 2] }).r2).toBe(1);
    expect(metricsOf('regression', { yTrue: [2, 2, 2], yPred: [1, 2, 3] }).r2).toBe(0);
    // Deliberate: scikit-learn returns about -1.7e31 here, from a float mean of 0.1s that is not 0.1.
    expect(metricsOf('regression', { yTrue: [0.1, 0.1, 0.1], yPred: [0.1, 0.2, 0.1] }).r2).toBe(0);
  });

  it('a single row: r2 NaN with a warning, explained_variance 1', () => {
    const report = reportOf('regression', { yTrue: [4], yPred: [5] });
    expect(report.metrics.r2).toBeNaN();
    expect(report.metrics.explained_variance).toBe(1);
    expect(report.metrics.mae).toBe(1);
    expect(report.warnings[0]).toMatch(/fewer than two rows/);
  });

  it('mape divides zero targets by machine epsilon instead of failing', () => {
    expect(metricsOf('regression', { yTrue: [0], yPred: [1] }).mape).toBe(2 ** 52);
  });

  it('explained_variance ignores a constant offset; r2 does not', () => {
    const m = metricsOf('regression', { yTrue: [1, 2, 3, 4], yPred: [2, 3, 4, 5] });
    expect(m.explained_variance).toBe(1);
    expect(m.r2).toBe(1 - 4 / 5);
  });

  it('zero rows: NaN with a warning', () => {
    const report = reportOf('regression', { yTrue: [], yPred: [] });
    expect(report.metrics.mae).toBeNaN();
    expect(report.warnings).toContain('no rows were evaluated; every metric is NaN');
  });
});
