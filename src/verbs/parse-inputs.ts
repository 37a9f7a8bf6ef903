import { UsageError } from '../core/errors.js';
import type { InputSpec, ParsedInputs, InputValue } from './types.js';

/**
 * Where raw input strings come from. Actions read `INPUT_<NAME>`; the CLI reads flags.
 * Both go through `parseInputs`, so a value means the same thing in a workflow and on a laptop.
 */
export interface InputSource {
  /** 'action' or 'cli': only used to phrase errors the way the user wrote the value. */
  kind: 'action' | 'cli';
  /** Raw value, or undefined when not given. Lists may come back as several values. */
  get(name: string): string | string[] | undefined;
  /** Names given that the verb does not declare (CLI only). */
  unknown(): string[];
}

/** How the user wrote an input, for error messages. */
export function spell(kind: InputSource['kind'], name: string): string {
  return kind === 'cli' ? `--${name}` : `input '${name}'`;
}

const TRUE = new Set(['true', 'yes', '1', 'on']);
const FALSE = new Set(['false', 'no', '0', 'off']);

/** Parse every declared input from a source; unknown, missing or malformed values are UsageErrors. */
export function parseInputs(verb: string, specs: readonly InputSpec[], source: InputSource): ParsedInputs {
  const unknown = source.unknown();
  if (unknown.length > 0) {
    const name = unknown[0]!;
    const near = closest(
      name,
      specs.map((s) => s.name),
    );
    throw new UsageError(`unknown flag --${name} for 'modelops ${verb}'`, {
      fix: near ? `did you mean --${near}? See 'modelops ${verb} --help'` : `see 'modelops ${verb} --help'`,
    });
  }
  const parsed: ParsedInputs = {};
  for (const spec of specs) {
    const raw = source.get(spec.name);
    const given = Array.isArray(raw) ? raw : raw === undefined || raw === '' ? [] : [raw];
    const values = given.length > 0 ? given : spec.default !== undefined ? [spec.default] : [];
    if (values.length === 0) {
      if (spec.required) {
        throw new UsageError(`${spell(source.kind, spec.name)} is required for 'modelops ${verb}'`, {
          fix: `${spec.description.replace(/\.$/, '')}; see 'modelops ${verb} --help'`,
        });
      }
      parsed[spec.name] = spec.type === 'boolean' ? false : undefined;
      continue;
    }
    parsed[spec.name] = convert(verb, spec, values, source.kind);
  }
  return parsed;
}

function convert(verb: string, spec: InputSpec, values: string[], kind: InputSource['kind']): InputValue {
  const where = spell(kind, spec.name);
  if (spec.type === 'list') {
    // Actions pass lists as one multi-line or comma-separated string; the CLI may repeat the flag.
    const items = values
      .flatMap((v) => v.split(/[\n,]/))
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
    for (const item of items) checkChoice(verb, spec, item, where);
    return items;
  }
  if (values.length > 1) {
    throw new UsageError(`${where} was given ${values.length} times`, { fix: 'give it once' });
  }
  const value = values[0]!.trim();
  switch (spec.type) {
    case 'boolean': {
      const lower = value.toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      throw new UsageError(`${where} must be true or false, got '${value}'`, {
        fix: `use ${where}=true or false`,
      });
    }
    case 'number': {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) {
        throw new UsageError(`${where} must be a number, got '${value}'`, { fix: `e.g. ${where}=3` });
      }
      return n;
    }
    default:
      checkChoice(verb, spec, value, where);
      return value;
  }
}

function checkChoice(verb: string, spec: InputSpec, value: string, where: string): void {
  if (spec.choices && !spec.choices.includes(value)) {
    throw new UsageError(`${where} must be one of ${spec.choices.join(', ')}, got '${value}'`, {
      fix: `see 'modelops ${verb} --help'`,
    });
  }
}

/** The declared name nearest to a typo (edit distance ≤ 2), for "did you mean". */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
