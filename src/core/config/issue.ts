/**
 * A problem found in modelops.yaml before it has a line and column: the data path it concerns,
 * what is wrong, the offending value and how to fix it. Positions are attached later from the
 * YAML document, so schema checks and semantic checks can both speak in data paths.
 */

export type PathSegment = string | number;

export interface Issue {
  path: PathSegment[];
  /** 'key' points at the key of the last path segment (unknown keys, bad names, missing keys). */
  at: 'value' | 'key';
  /** Completes the sentence that starts with the rendered path, e.g. "must be a number". */
  what: string;
  /** The offending value as data; rendered short and on one line. */
  value: unknown;
  fix: string;
}

/** Collects issues; builders call it and keep going so one run can list several problems. */
export type Report = (issue: Issue) => void;

/** Shorthand for the common case of a value problem. */
export function issue(
  path: PathSegment[],
  what: string,
  value: unknown,
  fix: string,
  at: Issue['at'] = 'value',
): Issue {
  return { path, at, what, value, fix };
}

/** `models.churn.gates[0].min`; keys that are not plain words are quoted: `models["cv=resnet"]`. */
export function renderPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return 'the file';
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

const MAX_VALUE_CHARS = 60;

/** One-line, bounded rendering of a value for messages: strings quoted, collections abbreviated. */
export function renderValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'nothing';
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}
