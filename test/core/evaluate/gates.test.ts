import { describe, expect, it } from 'vitest';
import {
  evaluateGates,
  inferDirection,
  overallGateStatus,
  type Gate,
} from '../../../src/core/evaluate/index.js';
import { UsageError } from '../../../src/core/errors.js';

function gate(overrides: Partial<Gate> & { metric: string }): Gate {
  return { onMissingBaseline: 'fail', ...overrides };
}

function only(current: Record<string, number>, baseline: Record<string, number> | null, g: Gate) {
  const results = evaluateGates(current, baseline, [g]);
  expect(results).toHaveLength(1);
  return results[0]!;
}

describe('inferDirection', () => {
  it('losses, errors, latency and size are lower-is-better; negated scorers are not', () => {
    for (const metric of [
      'log_loss',
      'brier',
      'mae',
      'mse',
      'rmse',
      'max_error',
      'mape',
      'ece',
      'hamming_loss',
      'size',
      'latency_p95_ms',
      'size_bytes',
      'mean_pinball_loss',
    ]) {
      expect(inferDirection(metric)).toBe('lower');
    }
    for (const metric of [
      'accuracy',
      'f1_macro',
      'roc_auc',
      'r2',
      'neg_log_loss',
      'neg_mean_squared_error',
    ]) {
      expect(inferDirection(metric)).toBe('higher');
    }
  });
});

describe('evaluateGates: bounds', () => {
  it('min and max are inclusive and need no baseline', () => {
    const r = evaluateGates({ accuracy: 0.8 }, null, [gate({ metric: 'accuracy', min: 0.8, max: 0.95 })]);
    expect(r.map((x) => [x.check, x.status, x.limit])).toEqual([
      ['min', 'pass', 0.8],
      ['max', 'pass', 0.95],
    ]);
    expect(r[0]!.message).toBe('accuracy 0.8 ≥ min 0.8');
    const below = only({ accuracy: 0.79 }, null, gate({ metric: 'accuracy', min: 0.8 }));
    expect(below).toMatchObject({ status: 'fail', current: 0.79, baseline: null, delta: null, limit: 0.8 });
    expect(below.message).toBe('accuracy 0.79 is below min 0.8');
  });

  it('a min of 0 is a real bound', () => {
    expect(only({ r2: -0.1 }, null, gate({ metric: 'r2', min: 0 })).status).toBe('fail');
  });

  it('an undefined (NaN) metric fails', () => {
    const r = only({ roc_auc: Number.NaN }, null, gate({ metric: 'roc_auc', min: 0.5 }));
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/roc_auc is NaN/);
  });
});

describe('evaluateGates: against the baseline', () => {
  it('maxDegradation absolute 0 means "no worse at all"', () => {
    const g = gate({ metric: 'accuracy', maxDegradation: { kind: 'absolute', value: 0 } });
    expect(only({ accuracy: 0.9 }, { accuracy: 0.9 }, g).status).toBe('pass');
    expect(only({ accuracy: 0.91 }, { accuracy: 0.9 }, g).status).toBe('pass');
    const worse = only({ accuracy: 0.899 }, { accuracy: 0.9 }, g);
    expect(worse).toMatchObject({ status: 'fail', limit: 0.9 });
    expect(worse.delta).toBeCloseTo(-0.001, 15);
    expect(worse.message).toBe(
      'accuracy 0.899 vs baseline 0.9 (higher is better): 0.001 worse, beyond the allowed degradation 0 (absolute)',
    );
  });

  it('"may be up to X worse" passes at exactly X despite decimal rounding (0.9 − 0.1)', () => {
    const g = gate({ metric: 'f1_macro', maxDegradation: { kind: 'absolute', value: 0.1 } });
    expect(only({ f1_macro: 0.8 }, { f1_macro: 0.9 }, g)).toMatchObject({ status: 'pass', limit: 0.9 - 0.1 });
    expect(only({ f1_macro: 0.7999 }, { f1_macro: 0.9 }, g).status).toBe('fail');
  });

  it('lower-is-better metrics degrade upward', () => {
    const g = gate({ metric: 'mae', maxDegradation: { kind: 'relative', value: 0.05 } });
    expect(only({ mae: 2.1 }, { mae: 2 }, g)).toMatchObject({ status: 'pass', limit: 2.1 });
    expect(only({ mae: 2.11 }, { mae: 2 }, g).status).toBe('fail');
    expect(only({ mae: 1 }, { mae: 2 }, g).status).toBe('pass');
  });

  it('relative amounts use |baseline|, so a negative baseline cannot flip the test', () => {
    // Higher is better; baseline −10; 10% of |−10| = 1 allowed. MLflow's (c−b)/b would call −12 an improvement.
    const g = gate({ metric: 'score', maxDegradation: { kind: 'relative', value: 0.1 } });
    expect(only({ score: -10.5 }, { score: -10 }, g)).toMatchObject({ status: 'pass', limit: -11 });
    const fail = only({ score: -12 }, { score: -10 }, g);
    expect(fail.status).toBe('fail');
    expect(fail.message).toBe(
      'score -12 vs baseline -10 (higher is better): 2 worse, beyond the allowed degradation 1 (10% of |baseline|)',
    );
  });

  it('minImprovement requires a gain, a direction override flips it', () => {
    const g = gate({ metric: 'accuracy', minImprovement: { kind: 'absolute', value: 0.01 } });
    expect(only({ accuracy: 0.81 }, { accuracy: 0.8 }, g).status).toBe('pass');
    const short = only({ accuracy: 0.805 }, { accuracy: 0.8 }, g);
    expect(short.status).toBe('fail');
    expect(short.message).toMatch(/0.005 better, short of the required improvement 0.01 \(absolute\)/);
    const custom = gate({
      metric: 'perplexity',
      direction: 'lower',
      minImprovement: { kind: 'relative', value: 0.1 },
    });
    expect(only({ perplexity: 9 }, { perplexity: 10 }, custom)).toMatchObject({ status: 'pass', limit: 9 });
    expect(only({ perplexity: 9.5 }, { perplexity: 10 }, custom).status).toBe('fail');
  });

  it('a zero relative threshold is a real threshold: equal passes, worse fails', () => {
    const g = gate({ metric: 'roc_auc', maxDegradation: { kind: 'relative', value: 0 } });
    expect(only({ roc_auc: 0.8 }, { roc_auc: 0.8 }, g).status).toBe('pass');
    expect(only({ roc_auc: 0.79 }, { roc_auc: 0.8 }, g).status).toBe('fail');
  });
});

describe('evaluateGates: missing baseline', () => {
  const checks = { maxDegradation: { kind: 'relative', value: 0.01 } } as const;

  it('never passes silently: fail, warn, or the no-baseline verdict', () => {
    const fail = only({ f1: 0.7 }, null, gate({ metric: 'f1', ...checks, onMissingBaseline: 'fail' }));
    expect(fail).toMatchObject({ status: 'fail', baseline: null, delta: null, limit: null });
    expect(fail.message).toBe(
      'no baseline value for f1, so max-degradation 1% cannot be checked; on-missing-baseline is fail',
    );
    expect(only({ f1: 0.7 }, null, gate({ metric: 'f1', ...checks, onMissingBaseline: 'warn' })).status).toBe(
      'warn',
    );
    expect(only({ f1: 0.7 }, null, gate({ metric: 'f1', ...checks, onMissingBaseline: 'pass' })).status).toBe(
      'no-baseline',
    );
  });

  it('a baseline without this metric, or with NaN, counts as missing — also for a zero threshold', () => {
    const g = gate({
      metric: 'f1',
      maxDegradation: { kind: 'absolute', value: 0 },
      onMissingBaseline: 'warn',
    });
    expect(only({ f1: 0.7 }, { accuracy: 0.9 }, g).status).toBe('warn');
    expect(only({ f1: 0.7 }, { f1: Number.NaN }, g).status).toBe('warn');
  });

  it('bounds are still checked without a baseline', () => {
    const r = evaluateGates({ f1: 0.7 }, null, [
      gate({ metric: 'f1', min: 0.75, ...checks, onMissingBaseline: 'pass' }),
    ]);
    expect(r.map((x) => x.status)).toEqual(['fail', 'no-baseline']);
    expect(overallGateStatus(r)).toBe('fail');
  });
});

describe('evaluateGates: configuration errors', () => {
  it('throws one-line UsageErrors', () => {
    expect(() => evaluateGates({ accuracy: 1 }, null, [gate({ metric: 'acuracy', min: 0.5 })])).toThrow(
      'gate acuracy: metric acuracy was not computed (computed: accuracy) — fix the metric name in the gate, or evaluate with the scores or task it needs',
    );
    expect(() => evaluateGates({ a: 1 }, null, [gate({ metric: 'a' })])).toThrow(/has no threshold/);
    expect(() => evaluateGates({ a: 1 }, null, [gate({ metric: 'a', min: 2, max: 1 })])).toThrow(
      /min 2 is above max 1/,
    );
    expect(() =>
      evaluateGates({ a: 1 }, null, [
        gate({ metric: 'a', maxDegradation: { kind: 'absolute', value: -0.1 } }),
      ]),
    ).toThrow(UsageError);
  });
});

describe('overallGateStatus', () => {
  it('fail beats warn beats pass; no-baseline does not block', () => {
    const results = evaluateGates({ a: 1, b: 1 }, null, [
      gate({ metric: 'a', min: 0 }),
      gate({ metric: 'b', minImprovement: { kind: 'absolute', value: 0 }, onMissingBaseline: 'pass' }),
    ]);
    expect(overallGateStatus(results)).toBe('pass');
    expect(overallGateStatus([...results, { ...results[0]!, status: 'warn' }])).toBe('warn');
  });
});
