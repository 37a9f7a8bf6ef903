/**
 * Reading the objective from what a training command printed. Python's json.dumps writes NaN,
 * Infinity and -Infinity as bare words (invalid JSON); they are read here as the numbers they mean
 * so a diverged training run becomes a failed trial that says "NaN", not "no metric".
 */

// (A JSON string cannot hold a raw control character, so the mark is printable and unlikely.)
const MARK = '~modelops-non-finite~';
const NON_FINITE = /([:[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g;

/** Parses one JSON object, tolerating Python's NaN / Infinity; undefined when it is not one. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    try {
      value = JSON.parse(trimmed.replace(NON_FINITE, `$1"${MARK}$2"`), (_key, v: unknown) =>
        typeof v === 'string' && v.startsWith(MARK) ? Number(v.slice(MARK.length)) : v,
      );
    } catch {
      return undefined;
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** What one stdout line says, if anything: an intermediate value or a final metric object. */
export type MetricLine =
  { kind: 'step'; step: number; value: number } | { kind: 'final'; value: unknown } | undefined;

export function readMetricLine(line: string, metric: string): MetricLine {
  const object = parseJsonObject(line);
  if (!object || !(metric in object)) return undefined;
  const step = object.step;
  if (typeof step === 'number' && Number.isFinite(step)) {
    const value = object[metric];
    return typeof value === 'number' && Number.isFinite(value) ? { kind: 'step', step, value } : undefined;
  }
  return { kind: 'final', value: object[metric] };
}

/** The objective from a raw metric value, or why the trial failed. */
export function objectiveFrom(raw: unknown, metric: string): { value: number } | { error: string } {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number')
    return { error: `metric '${metric}' is not a number (${JSON.stringify(raw)})` };
  if (Number.isNaN(value)) return { error: `metric '${metric}' is NaN` };
  if (!Number.isFinite(value))
    return { error: `metric '${metric}' is ${value > 0 ? 'infinite' : '-infinite'}` };
  return { value };
}
