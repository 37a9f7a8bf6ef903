import { describe, expect, it } from 'vitest';
import { comparisonChart, sliceSection } from '../../../src/verbs/evaluate/render-sections.js';

describe('comparisonChart', () => {
  it('draws baseline then candidate bars for the headline metrics that are fractions', () => {
    const chart = comparisonChart(
      ['accuracy', 'roc_auc', 'log_loss', 'latency_p95'],
      { accuracy: 0.91234, roc_auc: 0.95, log_loss: 1.7, latency_p95: 3 },
      { accuracy: 0.9, roc_auc: 0.94, log_loss: 0.3, latency_p95: 2 },
    );
    expect(chart).toEqual([
      '```mermaid',
      'xychart-beta',
      '  title "Baseline (first bar) vs candidate (second bar)"',
      '  x-axis ["accuracy", "roc_auc"]',
      '  y-axis "value" 0 --> 1',
      '  bar [0.9, 0.94]',
      '  bar [0.9123, 0.95]',
      '```',
      '',
    ]);
  });

  it('draws nothing without a baseline', () => {
    expect(comparisonChart(['accuracy'], { accuracy: 0.9 }, undefined)).toEqual([]);
  });
});

describe('sliceSection', () => {
  it('one row per slice: rows, candidate (baseline), and the slice gates', () => {
    const lines = sliceSection(
      [{ name: 'eu', rows: 1200, metrics: { accuracy: 0.8 }, baseline: { accuracy: 0.75 } }],
      ['accuracy'],
      [
        {
          gate: 'no-slice-below',
          slice: 'eu',
          metric: 'accuracy',
          check: 'min',
          status: 'pass',
          direction: 'higher',
          current: 0.8,
          baseline: 0.75,
          delta: 0.05,
          limit: 0.7,
          message: '',
        },
      ],
    );
    expect(lines).toContain('| eu | 1,200 | 0.8 (0.75) | ✅ no-slice-below |');
  });
});
