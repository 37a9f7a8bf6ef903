import { describe, expect, test } from 'vitest';
import { parseDuration, parseThreshold } from '../../../src/core/config/index.js';
import { ConfigError } from '../../../src/core/errors.js';

describe('parseThreshold', () => {
  test('a percentage string is relative, a number absolute', () => {
    expect(parseThreshold('1%')).toEqual({ kind: 'relative', value: 0.01 });
    expect(parseThreshold(0.02)).toEqual({ kind: 'absolute', value: 0.02 });
    expect(parseThreshold('12.5%')).toEqual({ kind: 'relative', value: 0.125 });
  });

  test('decimal percentages are exact, not float-division noise', () => {
    expect(parseThreshold('1.1%').value).toBe(0.011);
    expect(parseThreshold('0.3%').value).toBe(0.003);
  });

  test('zero is a threshold, absolute or relative (MLflow treats 0 as "not set")', () => {
    expect(parseThreshold(0)).toEqual({ kind: 'absolute', value: 0 });
    expect(parseThreshold('0%')).toEqual({ kind: 'relative', value: 0 });
    expect(Object.is(parseThreshold(-0).value, 0)).toBe(true);
  });

  test('negative thresholds are rejected with the direction-neutral alternative', () => {
    expect(() => parseThreshold('-1%')).toThrow(ConfigError);
    expect(() => parseThreshold('-1%')).toThrow(
      'threshold must not be a negative percentage ("-1%") — thresholds are amounts, never negative: use max-degradation for "may get worse by", min-improvement for "must get better by"',
    );
    expect(() => parseThreshold(-0.5)).toThrow('threshold must not be negative (-0.5)');
  });

  test('malformed strings say what to write instead', () => {
    expect(() => parseThreshold('0.02')).toThrow(
      'threshold is a quoted number ("0.02") — write 0.02 without quotes for an absolute amount, or add % for a relative one',
    );
    expect(() => parseThreshold('1 %')).toThrow('threshold is not a percentage ("1 %")');
    expect(() => parseThreshold('lots')).toThrow('threshold is not a threshold ("lots")');
    expect(() => parseThreshold(Number.NaN)).toThrow('threshold must be a finite number (NaN)');
  });
});

describe('parseDuration', () => {
  test('reads units and combinations as milliseconds', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('1d12h')).toBe(129_600_000);
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2w')).toBe(1_209_600_000);
    expect(parseDuration('0s')).toBe(0);
  });

  test('rejects words and missing units', () => {
    expect(() => parseDuration('24 hours')).toThrow(
      'not a duration ("24 hours") — write a number and a unit, e.g. 30m, 24h, 1d12h (units ms, s, m, h, d, w)',
    );
    expect(() => parseDuration('24')).toThrow(ConfigError);
    expect(() => parseDuration('')).toThrow(ConfigError);
  });
});
