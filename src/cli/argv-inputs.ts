import { UsageError } from '../core/errors.js';
import type { InputSource } from '../verbs/parse-inputs.js';
import type { InputSpec } from '../verbs/types.js';

/** Flags every verb accepts on the CLI; they steer output and are not action inputs. */
export const GLOBAL_FLAGS = ['json', 'help', 'verbose', 'no-progress'] as const;
export type GlobalFlag = (typeof GLOBAL_FLAGS)[number];

/** Global flags that take a value: `--summary-file PATH` writes the Markdown report (job summary / PR comment). */
export const GLOBAL_VALUE_FLAGS = ['summary-file'] as const;
export type GlobalValueFlag = (typeof GLOBAL_VALUE_FLAGS)[number];

export interface ParsedArgv {
  source: InputSource;
  globals: Set<GlobalFlag>;
  globalValues: Map<GlobalValueFlag, string>;
}

/**
 * Reads `--name value`, `--name=value`, `--flag` / `--no-flag` for booleans, repeated flags for
 * lists, and bare arguments for the verb's positional input. Names are the action input names.
 */
export function argvInputSource(
  verb: string,
  specs: readonly InputSpec[],
  argv: readonly string[],
): ParsedArgv {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values = new Map<string, string[]>();
  const unknown: string[] = [];
  const globals = new Set<GlobalFlag>();
  const globalValues = new Map<GlobalValueFlag, string>();
  const positional = specs.find((s) => s.positional);
  const add = (name: string, value: string) => values.set(name, [...(values.get(name) ?? []), value]);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      for (const rest of argv.slice(i + 1)) addPositional(rest);
      break;
    }
    if (arg === '-h') {
      globals.add('help');
      continue;
    }
    if (!arg.startsWith('--')) {
      addPositional(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if ((GLOBAL_FLAGS as readonly string[]).includes(name) && eq === -1) {
      globals.add(name as GlobalFlag);
      continue;
    }
    if ((GLOBAL_VALUE_FLAGS as readonly string[]).includes(name)) {
      const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') {
        throw new UsageError(`--${name} needs a value`, { fix: `write --${name} PATH` });
      }
      globalValues.set(name as GlobalValueFlag, value);
      continue;
    }
    const spec = byName.get(name) ?? negated(name);
    if (!spec) {
      // Stop at the first unknown flag: its value would otherwise look like a stray argument.
      unknown.push(name);
      break;
    }
    if (eq !== -1) {
      add(spec.name, arg.slice(eq + 1));
    } else if (spec.type === 'boolean') {
      // The last of --flag / --no-flag wins, as in most CLIs (aliases and overrides rely on it).
      values.set(spec.name, [name === spec.name ? 'true' : 'false']);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`--${name} needs a value`, { fix: `write --${name} VALUE or --${name}=VALUE` });
      }
      add(spec.name, next);
      i++;
    }
  }

  function negated(name: string): InputSpec | undefined {
    const spec = name.startsWith('no-') ? byName.get(name.slice(3)) : undefined;
    return spec?.type === 'boolean' ? spec : undefined;
  }
  function addPositional(value: string) {
    if (!positional) {
      throw new UsageError(`unexpected argument '${value}' for 'modelops ${verb}'`, {
        fix: `flags start with --; see 'modelops ${verb} --help'`,
      });
    }
    add(positional.name, value);
  }

  return {
    globals,
    globalValues,
    source: {
      kind: 'cli',
      get: (name) => {
        const given = values.get(name);
        if (!given) return undefined;
        return given.length === 1 ? given[0] : given;
      },
      unknown: () => unknown,
    },
  };
}
