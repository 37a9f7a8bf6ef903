import { ConfigError } from '../errors.js';
import { renderValue } from './issue.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
// Same grammar as the schema's "duration" definition; ms is listed before m so "5ms" is not 5 m + s.
const WHOLE = /^(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h|d|w))+$/;
const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w)/g;

/** `parseDuration("1d12h")` → 129600000 (milliseconds). Units: ms, s, m, h, d, w. */
export function parseDuration(text: string): number {
  if (!WHOLE.test(text)) {
    throw new ConfigError(`not a duration (${renderValue(text)})`, {
      fix: 'write a number and a unit, e.g. 30m, 24h, 1d12h (units ms, s, m, h, d, w)',
    });
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit ?? 'ms'] ?? 1);
  return Math.round(total);
}
