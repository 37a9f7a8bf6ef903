import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gatesFor, type CustomMetricConfig, type ModelopsConfig } from '../../core/config/index.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import type { Task } from '../../core/evaluate/index.js';
import type { KeptRows } from './run-models.js';

/**
 * What a custom metric's `compute` receives: every evaluated row, in file order. `yScore` holds
 * probabilities (binary: P(class 1) per row; multiclass/multilabel: one array per row) when the
 * scored output is a probability; `yPred` holds predicted labels (argmax / threshold 0.5 when
 * only scores exist) or regression values.
 */
export interface CustomMetricInput {
  task: Task;
  yTrue: (number | number[])[];
  yScore: (number | number[])[] | undefined;
  yPred: (number | number[])[];
}

/** The module's default export (or its named `compute` export). */
export type CustomMetricFunction = (input: CustomMetricInput) => number | Promise<number>;

/**
 * Imports a custom metric module. The path is relative to the repository root and must stay
 * inside it (symlinks resolved), because a metric runs with the job's permissions.
 */
export async function loadCustomMetric(
  metric: CustomMetricConfig,
  repoRoot: string,
): Promise<CustomMetricFunction> {
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
  const loaded = (await import(pathToFileURL(file).href)) as { default?: unknown; compute?: unknown };
  const candidate = loaded.default ?? loaded.compute;
  const compute =
    typeof candidate === 'function'
      ? candidate
      : typeof (candidate as { compute?: unknown } | undefined)?.compute === 'function'
        ? (candidate as { compute: CustomMetricFunction }).compute.bind(candidate)
        : undefined;
  if (!compute) {
    throw new ConfigError(`${metric.module} exports no compute function`, {
      fix: 'export default function compute({ task, yTrue, yScore, yPred }) { return number; }',
    });
  }
  return compute as CustomMetricFunction;
}

/** Runs every custom metric on one model's kept rows; a non-number result is the module's bug. */
export async function computeCustomMetrics(
  metrics: readonly CustomMetricConfig[],
  load: (metric: CustomMetricConfig) => Promise<CustomMetricFunction>,
  task: Task,
  kept: KeptRows,
): Promise<Record<string, number>> {
  const input: CustomMetricInput = {
    task,
    yTrue: kept.yTrue,
    yScore: kept.yScore,
    yPred: kept.yPred ?? predictedFromScores(task, kept.yScore ?? []),
  };
  const values: Record<string, number> = {};
  for (const metric of metrics) {
    const value = await (await load(metric))(input);
    if (typeof value !== 'number') {
      throw new UsageError(
        `custom metric ${metric.name} (${metric.module}) returned ${typeof value}, not a number`,
        {
          fix: 'return one number from compute',
        },
      );
    }
    values[metric.name] = value;
  }
  return values;
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
