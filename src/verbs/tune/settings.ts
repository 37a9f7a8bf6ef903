import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig, parseDuration, type TuningSpace } from '../../core/config/index.js';
import { UsageError } from '../../core/errors.js';
import type { Direction, SearchSpace } from '../../core/tune/types.js';
import type { ParsedInputs, VerbDeps } from '../types.js';
import { splitCommandLine } from './command-line.js';
import type { TuneParts } from './parts.js';

/** Trials when nothing sets a budget (as modelops.yaml's default). */
const DEFAULT_TRIALS = 20;

/** Everything a study needs, from the inputs with modelops.yaml's space filling the gaps. */
export interface StudySettings {
  /** Where the space came from, for messages. */
  source: string;
  space: SearchSpace;
  argv: string[] | undefined;
  metric: string;
  direction: Direction;
  sampler: string;
  /** undefined: grid runs every combination. */
  trials: number | undefined;
  wallTimeMs: number | undefined;
  seed: number;
}

/** The study's settings; a missing space, metric or direction is a UsageError naming the flag. */
export async function studySettings(
  inputs: ParsedInputs,
  deps: VerbDeps,
  parts: TuneParts,
): Promise<StudySettings> {
  const configPath = resolve(deps.cwd, String(inputs.config ?? 'modelops.yaml'));
  const config = await loadConfig(configPath, { required: false });
  const spaces = config.tuning.spaces;
  const named = inputs.space as string | undefined;
  let fromConfig: TuningSpace | undefined;
  let source: string;
  let raw: unknown;
  if (named && spaces[named]) {
    fromConfig = spaces[named];
    source = `tuning.spaces.${named} in ${String(inputs.config)}`;
    raw = rawParams(fromConfig);
  } else if (named) {
    source = named;
    raw = await readSpaceFile(resolve(deps.cwd, named), named, Object.keys(spaces));
  } else {
    const names = Object.keys(spaces);
    if (names.length !== 1) {
      throw new UsageError(
        names.length === 0
          ? '--space is required (modelops.yaml declares no tuning space)'
          : `--space is required: modelops.yaml declares ${names.length} tuning spaces (${names.join(', ')})`,
        {
          fix:
            names.length === 0
              ? 'give --space space.yaml (parameter → {type, low, high, …})'
              : `pick one: --space ${names[0]}`,
        },
      );
    }
    fromConfig = spaces[names[0]!]!;
    source = `tuning.spaces.${names[0]} in ${String(inputs.config)}`;
    raw = rawParams(fromConfig);
  }
  // A space file may also carry the study's settings beside `params`, as modelops.yaml does.
  const file = !fromConfig && isFullSpace(raw) ? (raw as FileSpace) : undefined;
  const space = parts.parseSpace(file ? file.params : raw, source);
  const metric = (inputs.metric as string | undefined) || fromConfig?.metric || file?.metric;
  if (!metric)
    throw new UsageError('--metric is required', {
      fix: 'name the metric the training command prints, e.g. --metric val_loss',
    });
  const direction = ((inputs.direction as string | undefined) || fromConfig?.direction || file?.direction) as
    Direction | undefined;
  if (direction !== 'minimize' && direction !== 'maximize')
    throw new UsageError(
      direction ? `--direction ${direction} is not minimize or maximize` : '--direction is required',
      {
        fix: `say whether a lower or higher ${metric} is better: --direction minimize or maximize`,
      },
    );
  const command = inputs['train-command'] as string | undefined;
  const argv = command
    ? splitCommandLine(command)
    : (fromConfig?.command ?? fileCommand(file?.command, source));
  const sampler = (inputs.sampler as string | undefined) || fromConfig?.sampler || file?.sampler || 'tpe';
  const wallTime = inputs['wall-time'] as string | undefined;
  const trials = positive(inputs.trials, 'trials') ?? fromConfig?.budget.trials ?? file?.budget?.trials;
  return {
    source,
    space,
    argv: argv ? [...argv] : undefined,
    metric,
    direction,
    sampler,
    trials: trials ?? (sampler === 'grid' ? undefined : DEFAULT_TRIALS),
    wallTimeMs: wallTime
      ? duration(wallTime)
      : (fromConfig?.budget.wallTimeMs ??
        (file?.budget?.['wall-time'] ? duration(file.budget['wall-time']) : undefined)),
    seed: (inputs.seed as number | undefined) ?? fromConfig?.seed ?? file?.seed ?? 0,
  };
}

interface FileSpace {
  params: Record<string, unknown>;
  metric?: string;
  direction?: string;
  sampler?: string;
  command?: unknown;
  seed?: number;
  budget?: { trials?: number; 'wall-time'?: string };
}

/** A space file's `command:`, as words (a string) or an argument list. */
function fileCommand(command: unknown, source: string): string[] | undefined {
  if (command === undefined || command === null) return undefined;
  if (typeof command === 'string') return splitCommandLine(command, `command: in ${source}`);
  if (Array.isArray(command) && command.length > 0 && command.every((a) => typeof a === 'string'))
    return command;
  throw new UsageError(`command: in ${source} is not a command`, {
    fix: 'write it as words, command: python3 train.py, or a list, command: [python3, train.py]',
  });
}

function isFullSpace(raw: unknown): boolean {
  if (!raw || typeof raw !== 'object') return false;
  const params = (raw as Record<string, unknown>).params;
  return !!params && typeof params === 'object' && !Array.isArray(params) && !('type' in params);
}

function duration(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw new UsageError(`--wall-time ${text} is not a duration`, {
      fix: 'write a number and a unit, e.g. 30m or 2h',
    });
  }
}

export function positive(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a whole number of at least 1, got ${String(value)}`, {
      fix: `e.g. --${name} 4`,
    });
  return n;
}

async function readSpaceFile(path: string, given: string, configSpaces: string[]): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `--space ${given} is neither a file (${error.code ?? error.message}) nor a space in modelops.yaml`,
      {
        fix: configSpaces.length
          ? `use one of ${configSpaces.join(', ')}, or a space file`
          : 'give the path of a YAML or JSON space file',
      },
    );
  });
  try {
    return parseYaml(text);
  } catch (error) {
    throw new UsageError(`--space ${given} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, {
      fix: 'fix the file (YAML or JSON: parameter → {type, low, high, …})',
    });
  }
}

/** modelops.yaml's validated space back in the parser's input form (the parser checks it again). */
function rawParams(space: TuningSpace): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(space.params).map(([name, p]) => {
      const when = Object.keys(p.when).length ? { when: p.when } : {};
      if (p.type === 'categorical') return [name, { type: p.type, choices: p.choices, ...when }];
      const step = p.step === undefined || (p.type === 'int' && p.log) ? {} : { step: p.step };
      return [name, { type: p.type, low: p.low, high: p.high, log: p.log, ...step, ...when }];
    }),
  );
}
