import type { ErrorObject } from 'ajv';
import { issue, type Issue, type PathSegment } from './issue.js';
import { closestName, suggestFix } from './suggest.js';
import { checkThreshold } from './threshold.js';

/** Names, digests and durations: what the pattern means in words, keyed by schema definition. */
const PATTERN_HELP: Record<string, { what: string; fix: string }> = {
  'model-name': {
    what: 'is not a valid model name',
    fix: "use letters, digits, '-', '_' and '/', starting and ending with a letter or digit (GTO's grammar), optionally prefixed by dir=",
  },
  identifier: {
    what: 'is not a valid name',
    fix: "use letters, digits, '.', '_' and '-', starting and ending with a letter or digit",
  },
  'metric-name': {
    what: 'is not a valid metric name',
    fix: "use letters, digits, '.', '_', '@' and '-', starting and ending with a letter or digit",
  },
  sha256: { what: 'is not a SHA-256 digest', fix: 'write the 64 hex digits that `sha256sum FILE` prints' },
  duration: {
    what: 'is not a duration',
    fix: 'write a number and a unit, e.g. 30m, 24h, 1d12h (units ms, s, m, h, d, w)',
  },
  // Inline patterns, keyed by the property they constrain.
  module: {
    what: 'must be a .js or .mjs file',
    fix: 'point at a JavaScript module (compile TypeScript first)',
  },
  features: {
    what: 'must be a list of columns or all-but-label',
    fix: 'write all-but-label, or a list of column names',
  },
  gates: {
    what: 'must be all or a list of gate names',
    fix: 'write all, or a list such as [accuracy, latency_p95]',
  },
  previous: {
    what: 'is not an environment name',
    fix: 'write true, false, or the name of an earlier environment',
  },
};

const TYPE_FIX: Record<string, string> = {
  number: 'write a number without quotes',
  integer: 'write a whole number without quotes',
  string: 'write text (quote it if it looks like a number or boolean)',
  boolean: 'write true or false',
  array: 'write a list: [a, b] or one "- item" per line',
  object: 'write a mapping of "key: value" lines',
};

const REQUIRED_FIX: Record<string, string> = {
  version: 'add "version: 1" at the top of the file',
  path: 'add path: (models need one when format is not onnx)',
  choices: 'add choices: [...]; categorical parameters pick from them',
  low: 'add low: and high:; float and int parameters need a range',
  high: 'add low: and high:; float and int parameters need a range',
};

/** Turns ajv's errors into issues with the offending value and a concrete fix. */
export function schemaIssues(errors: readonly ErrorObject[], data: unknown): Issue[] {
  const issues: Issue[] = [];
  for (const error of errors) {
    const converted = convert(error, data);
    if (converted) issues.push(converted);
  }
  return issues;
}

function convert(error: ErrorObject, data: unknown): Issue | undefined {
  const path = pointerToPath(error.instancePath, data);
  const value = valueAt(data, path);
  const params = error.params as Record<string, unknown>;
  // A bad key of a name map (propertyNames) arrives as the pattern error plus a summary; keep one.
  if (error.keyword === 'propertyNames' || error.keyword === 'if') return undefined;
  if (error.propertyName !== undefined) {
    const help = patternHelp(error, path);
    return issue([...path, error.propertyName], help.what, error.propertyName, help.fix, 'key');
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      return issue(
        [...path, key],
        'is not a known key',
        key,
        suggestFix(key, allowed, 'remove it, or use one of'),
        'key',
      );
    }
    case 'required': {
      const key = String(params.missingProperty);
      return issue(path, 'is missing a required key', key, REQUIRED_FIX[key] ?? `add ${key}:`, 'key');
    }
    case 'type': {
      // "or null" only means "may be left empty"; naming it would make the fix read oddly.
      const listed = String(params.type).split(',');
      const types = listed.length > 1 ? listed.filter((type) => type !== 'null') : listed;
      const fix = types.map((type) => TYPE_FIX[type] ?? `write a ${type}`).join(', or ');
      return issue(path, `must be ${types.map(article).join(' or ')}`, value, fix);
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const match = closestName(String(value), allowed);
      const fix = match === undefined ? 'write one of those values' : `did you mean '${match}'?`;
      return issue(path, `must be one of ${allowed.join(', ')}`, value, fix);
    }
    case 'const':
      return path.join('/') === 'version'
        ? issue(
            path,
            'is not a supported version',
            value,
            'set "version: 1"; this release reads version 1 only',
          )
        : issue(
            path,
            `must be ${JSON.stringify(params.allowedValue)}`,
            value,
            `write ${JSON.stringify(params.allowedValue)}`,
          );
    case 'pattern': {
      if (isThresholdPath(path)) return thresholdIssue(path, value);
      const help = patternHelp(error, path);
      return issue(path, help.what, value, help.fix);
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      if (isThresholdPath(path)) return thresholdIssue(path, value);
      const comparison = `${String(params.comparison)} ${String(params.limit)}`;
      return issue(path, `must be ${comparison}`, value, `use a value ${comparison}`);
    }
    case 'minItems':
    case 'minProperties':
    case 'minLength':
      return issue(path, 'must not be empty', value, 'give it a value, or remove the key');
    case 'uniqueItems':
      return issue(
        path,
        'lists an item twice',
        (value as unknown[])[Number(params.j)],
        'remove the duplicate',
      );
    default:
      return issue(
        path,
        error.message ?? `fails the schema's ${error.keyword} rule`,
        value,
        'see docs/concepts/configuration.md',
      );
  }
}

function patternHelp(error: ErrorObject, path: PathSegment[]): { what: string; fix: string } {
  // "#/definitions/duration/pattern" names the kind of value; inline patterns go by property.
  const definition = /#\/definitions\/([^/]+)\/pattern$/.exec(error.schemaPath)?.[1];
  const property = path[path.length - 1];
  return (
    (definition && PATTERN_HELP[definition]) ||
    (typeof property === 'string' && PATTERN_HELP[property]) || {
      what: 'does not have the expected form',
      fix: `match the pattern ${String((error.params as { pattern?: unknown }).pattern)}`,
    }
  );
}

function isThresholdPath(path: PathSegment[]): boolean {
  const last = path[path.length - 1];
  return last === 'max-degradation' || last === 'min-improvement';
}

function thresholdIssue(path: PathSegment[], value: unknown): Issue {
  const result = checkThreshold(value);
  if ('kind' in result)
    return issue(
      path,
      'is not a threshold',
      value,
      'write a number such as 0.01, or a percentage such as "1%"',
    );
  return issue(path, result.what, value, result.fix);
}

function article(type: string): string {
  if (type === 'array') return 'a list';
  if (type === 'object') return 'a mapping';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** RFC 6901 pointer → path; a segment is a number only where it indexes a list (model "1" stays a key). */
export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let current = data;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(current) ? Number(part) : part;
    path.push(segment);
    current =
      current !== null && typeof current === 'object'
        ? (current as Record<string, unknown>)[part]
        : undefined;
  }
  return path;
}

/** Reads the value at a path; numeric segments on objects are treated as keys. */
export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return current;
}
