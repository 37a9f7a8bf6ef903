import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gatesFor, type CustomMetricConfig, type ModelopsConfig } from '../../core/config/index.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import type { Task } from '../../core/evaluate/index.js';
import type { KeptRows } from './run-models.js';

/**
 * The rows a custom metric sees, in file order: `row` (0-based row in the data file), `yTrue`,
 * `yScore` (probabilities — binary: P(class 1) per row; multiclass/multilabel: one array per row —
 * when the scored output is a probability) and `yPred` (predicted labels — argmax / threshold 0.5
 * when only scores exist — or regression values).
 */
export interface CustomMetricInput {
  task: Task;
  row: number[];
  yTrue: (number | number[])[];
  yScore: (number | number[])[] | undefined;
  yPred: (number | number[])[];
}

/** The simple form: one function over every row at once. Cannot be merged across shards. */
export type CustomMetricFunction = (input: CustomMetricInput) => number | Promise<number>;

/**
 * The accumulator form, which `--shard` + `--merge` combine into exactly the unsharded value:
 * `update` folds rows into a state (it may be called several times, with consecutive runs of rows),
 * `merge` combines two states (shards are merged in shard order), `finalize` turns a state into
 * the number. States must survive JSON (they travel in shard files).
 */
export interface CustomMetricAccumulator<State = unknown> {
  init(): State;
  update(state: State, rows: CustomMetricInput): State;
  merge(a: State, b: State): State;
  finalize(state: State): number;
}

/** A loaded module: its simple `compute`, or its accumulator. */
export type CustomMetric =
  | { form: 'compute'; compute: CustomMetricFunction }
  | { form: 'accumulator'; accumulator: CustomMetricAccumulator };

const ACCUMULATOR_KEYS = ['init', 'update', 'merge', 'finalize'] as const;

/**
 * Imports a custom metric module. The path is relative to the repository root and must stay
 * inside it (symlinks resolved), because a metric runs with the job's permissions. The module
 * exports `init`, `update`, `merge` and `finalize` (named, or on its default export), or a
 * `compute` function (the default export, or named `compute`).
 */
export async function loadCustomMetric(metric: CustomMetricConfig, repoRoot: string): Promise<CustomMetric> {
  const root = await realpath(repoRoot);
  const file = await realpath(resolve(root, metric.module)).catch(() => {
    throw new ConfigError(`metrics.${metric.name}.module ${metric.module} does not exist`, {
      fix: 'give the path of a JavaScript module relative to the repository root',
    });
  });
  const inside = relative(root, file);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new ConfigError(`metrics.${metric.name}.module ${metric.module} is outside the repository`, {
      fix: 'keep custom metric modules in the repository',
    });
  }
  const loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const holder = [loaded, loaded.default as Record<string, unknown> | undefined].find(
    (h) => h && ACCUMULATOR_KEYS.some((k) => typeof h[k] === 'function'),
  );
  if (holder) {
    const missing = ACCUMULATOR_KEYS.filter((k) => typeof holder[k] !== 'function');
    if (missing.length > 0) {
      throw new ConfigError(
        `${metric.module} exports ${ACCUMULATOR_KEYS.filter((k) => !missing.includes(k)).join(', ')} but not ${missing.join(', ')}`,
        {
          fix: 'export all four of init, update, merge and finalize (or a single compute function)',
        },
      );
    }
    const bound = Object.fromEntries(
      ACCUMULATOR_KEYS.map((k) => [k, (holder[k] as (...args: unknown[]) => unknown).bind(holder)]),
    ) as unknown as CustomMetricAccumulator;
    return { form: 'accumulator', accumulator: bound };
  }
  const candidate = loaded.default ?? loaded.compute;
  const compute =
    typeof candidate === 'function'
      ? candidate
      : typeof (candidate as { compute?: unknown } | undefined)?.compute === 'function'
        ? (candidate as { compute: CustomMetricFunction }).compute.bind(candidate)
        : undefined;
  if (!compute) {
    throw new ConfigError(`${metric.module} exports no compute function and no init/update/merge/finalize`, {
      fix: 'export default function compute({ task, yTrue, yScore, yPred }) { return number; } — or the accumulator form (docs/actions/evaluate.md)',
    });
  }
  return { form: 'compute', compute: compute as CustomMetricFunction };
}

/** loadCustomMetric for one repository, importing each module once. */
export function memoizedLoader(repoRoot: string): (metric: CustomMetricConfig) => Promise<CustomMetric> {
  const loaded = new Map<string, Promise<CustomMetric>>();
  return (metric) => {
    let promise = loaded.get(metric.name);
    if (!promise) loaded.set(metric.name, (promise = loadCustomMetric(metric, repoRoot)));
    return promise;
  };
}

/** What the custom metrics need from one model's run: its kept rows, or per-shard states after a merge. */
export interface CustomMetricSource {
  kept?: KeptRows | undefined;
  /** Metric name → each shard's state, in shard order (after --merge). */
  customStates?: Record<string, unknown[]> | undefined;
}

/** Runs every custom metric on one model's rows (or merges its shard states); checks the result is a number. */
export async function computeCustomMetrics(
  metrics: readonly CustomMetricConfig[],
  load: (metric: CustomMetricConfig) => Promise<CustomMetric>,
  task: Task,
  source: CustomMetricSource,
): Promise<Record<string, number>> {
  const values: Record<string, number> = {};
  for (const metric of metrics) {
    const loaded = await load(metric);
    let value: unknown;
    if (source.kept) {
      const input = inputOf(task, source.kept);
      value =
        loaded.form === 'compute'
          ? await loaded.compute(input)
          : loaded.accumulator.finalize(loaded.accumulator.update(loaded.accumulator.init(), input));
    } else {
      const states = source.customStates?.[metric.name];
      if (loaded.form === 'compute' || !states || states.length === 0) throw notMergeable(metric);
      const { merge, finalize } = loaded.accumulator;
      value = finalize(states.reduce((a, b) => merge(a, b)));
    }
    values[metric.name] = checkNumber(metric, value);
  }
  return values;
}

/**
 * A shard's state of every accumulator metric, for its shard file. A metric with only `compute`
 * needs all rows at once, so a sharded run refuses it up front rather than after every shard ran.
 */
export async function customMetricStates(
  metrics: readonly CustomMetricConfig[],
  load: (metric: CustomMetricConfig) => Promise<CustomMetric>,
  task: Task,
  kept: KeptRows,
): Promise<Record<string, unknown>> {
  const states: Record<string, unknown> = {};
  for (const metric of metrics) {
    const loaded = await load(metric);
    if (loaded.form === 'compute') throw notMergeable(metric);
    const { init, update } = loaded.accumulator;
    const state = update(init(), inputOf(task, kept));
    const json = JSON.stringify(state);
    if (json === undefined) {
      throw new UsageError(
        `custom metric ${metric.name} (${metric.module}): update returned a state JSON cannot hold`,
        {
          fix: 'keep the state to plain numbers, strings, arrays and objects',
        },
      );
    }
    states[metric.name] = JSON.parse(json) as unknown;
  }
  return states;
}

/** Refuses a simple-form metric where shards must merge, naming the fix. */
export async function requireMergeable(
  metrics: readonly CustomMetricConfig[],
  load: (metric: CustomMetricConfig) => Promise<CustomMetric>,
): Promise<void> {
  for (const metric of metrics) if ((await load(metric)).form === 'compute') throw notMergeable(metric);
}

function notMergeable(metric: CustomMetricConfig): UsageError {
  return new UsageError(
    `custom metric ${metric.name} (${metric.module}) exports only compute(), which needs every row at once, so sharded runs cannot be merged into its value`,
    {
      fix: 'export init, update, merge and finalize instead (see docs/actions/evaluate.md), or evaluate without --shard',
    },
  );
}

function checkNumber(metric: CustomMetricConfig, value: unknown): number {
  if (typeof value !== 'number') {
    throw new UsageError(
      `custom metric ${metric.name} (${metric.module}) returned ${typeof value}, not a number`,
      {
        fix: 'return one number from compute (or finalize)',
      },
    );
  }
  return value;
}

function inputOf(task: Task, kept: KeptRows): CustomMetricInput {
  return {
    task,
    row: kept.row,
    yTrue: kept.yTrue,
    yScore: kept.yScore,
    yPred: kept.yPred ?? predictedFromScores(task, kept.yScore ?? []),
  };
}

/** Labels from probabilities: argmax (first maximum), or > 0.5 for binary and multilabel. */
export function predictedFromScores(task: Task, scores: (number | number[])[]): (number | number[])[] {
  return scores.map((s) => {
    if (typeof s === 'number') return s > 0.5 ? 1 : 0;
    if (task === 'multilabel') return s.map((p) => (p > 0.5 ? 1 : 0));
    let best = 0;
    for (let j = 1; j < s.length; j++) if (s[j]! > s[best]!) best = j;
    return best;
  });
}

/** The custom metrics a model uses: listed in its `metrics`, or named by a gate that applies to it. */
export function customMetricsFor(
  config: ModelopsConfig,
  modelId: string,
  environment: string,
): CustomMetricConfig[] {
  const used = new Set([
    ...(config.models[modelId]?.metrics ?? []),
    ...gatesFor(config, modelId, environment).map((g) => g.metric),
  ]);
  return Object.values(config.metrics).filter((m) => used.has(m.name));
}
