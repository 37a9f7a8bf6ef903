import { ConfigError } from '../errors.js';
import { renderValue } from './issue.js';
import type { Threshold } from './types.js';

/** What is wrong with a threshold and how to fix it, in words that fit a config message. */
export interface ThresholdProblem {
  what: string;
  fix: string;
}

const RELATIVE = /^(-?)([0-9]+(?:\.[0-9]+)?)%$/;
const DIRECTION_FIX =
  'thresholds are amounts, never negative: use max-degradation for "may get worse by", min-improvement for "must get better by"';

/**
 * Reads a gate amount: a number is absolute, a string ending in % is relative to the baseline.
 * Zero is a real threshold ("no worse at all"); callers must test `=== undefined`, never
 * truthiness, which is how MLflow came to skip zero thresholds.
 */
export function checkThreshold(input: unknown): Threshold | ThresholdProblem {
  if (typeof input === 'number') {
    if (!Number.isFinite(input))
      return {
        what: 'must be a finite number',
        fix: 'write a number such as 0.01, or a percentage such as "1%"',
      };
    if (input < 0) return { what: 'must not be negative', fix: DIRECTION_FIX };
    // -0 is written "0" in every message; keep the value plain.
    return { kind: 'absolute', value: input === 0 ? 0 : input };
  }
  if (typeof input === 'string') {
    const match = RELATIVE.exec(input);
    if (match) {
      const [, sign = '', digits = '0'] = match;
      const value = Number(`${digits}e-2`); // exact decimal shift: "1.1%" → 0.011, not 0.011000000000000001
      if (sign === '-') return { what: 'must not be a negative percentage', fix: DIRECTION_FIX };
      return { kind: 'relative', value };
    }
    if (/^\s*-?[0-9.]+\s*%\s*$/.test(input)) {
      return {
        what: 'is not a percentage',
        fix: 'write digits directly followed by %, without spaces, e.g. "1.5%"',
      };
    }
    if (input.trim() !== '' && Number.isFinite(Number(input))) {
      return {
        what: 'is a quoted number',
        fix: `write ${input.trim()} without quotes for an absolute amount, or add % for a relative one`,
      };
    }
  }
  return {
    what: 'is not a threshold',
    fix: 'write a number such as 0.01 (absolute) or a percentage such as "1%" (relative)',
  };
}

/**
 * `parseThreshold("1%")` → `{ kind: 'relative', value: 0.01 }`; `parseThreshold(0.02)` →
 * `{ kind: 'absolute', value: 0.02 }`. Throws a ConfigError for negative or malformed input.
 */
export function parseThreshold(input: number | string): Threshold {
  const result = checkThreshold(input);
  if ('kind' in result) return result;
  throw new ConfigError(`threshold ${result.what} (${renderValue(input)})`, { fix: result.fix });
}
