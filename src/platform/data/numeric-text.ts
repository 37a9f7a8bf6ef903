/**
 * Text → number the way pandas.read_csv reads a numeric column: the usual decimal forms, blanks and
 * NA markers as NaN, inf/infinity in any case. Hex, octal and binary literals that Number() would
 * accept stay text, as they do in pandas.
 */
const MISSING = new Set([
  '',
  'NA',
  'N/A',
  'n/a',
  'NaN',
  'nan',
  '-NaN',
  '-nan',
  'null',
  'NULL',
  'None',
  '<NA>',
  '#N/A',
  '#NA',
]);

/** The number `text` spells, NaN for a missing value, or undefined when it is not numeric. */
export function parseNumericText(text: string): number | undefined {
  const trimmed = text.trim();
  if (MISSING.has(trimmed)) return NaN;
  const lower = trimmed.toLowerCase();
  const unsigned = lower.startsWith('-') || lower.startsWith('+') ? lower.slice(1) : lower;
  if (unsigned === 'inf' || unsigned === 'infinity') return lower.startsWith('-') ? -Infinity : Infinity;
  if (/^0[box]/.test(unsigned)) return undefined;
  const value = Number(trimmed);
  return Number.isNaN(value) ? undefined : value;
}

/** Exact powers of ten for the fast path: 10^0..10^22 are all representable in a double. */
export const POW10 = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
