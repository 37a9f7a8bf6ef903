import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { sha256File } from '../../platform/fs/index.js';
import { updateModelCard } from './model-card.js';
import { writeMetricsFile, writePredictions } from './result-files.js';
import type { VerbDeps, VerbOutcome } from '../types.js';
import type { EvaluateContext } from './context.js';
import { computeMetrics, type EvaluationState } from '../../core/evaluate/index.js';
import { computeCustomMetrics, customMetricsFor, memoizedLoader } from './custom-metrics.js';
import { gateAnnotations, locateGates, logAnnotations } from './gate-locations.js';
import { checkGates, verdictOf } from './gates.js';
import { reportToGitHub } from './github-report.js';
import type { Measured } from './measure.js';
import { assembleMetrics } from './metrics.js';
import {
  headlineMetrics,
  renderEvaluationMarkdown,
  renderEvaluationText,
  type EvaluationView,
} from './render.js';

export interface ConcludeOptions {
  deps: VerbDeps;
  environment: string;
  shard?: { statePath: string };
  merged?: number;
  /** --write-predictions, --metrics-file, --update-card. */
  files?: { predictions?: string; metrics?: string; updateCard?: boolean };
}

/**
 * From measurements to the outcome: metrics, gates, verdict, the report (terminal, job summary,
 * PR comment, check run), outputs and the --json result. A sharded run reports its shard's
 * metrics but gates nothing: only the merged run sees every row.
 */
export async function conclude(
  measured: Measured,
  ctx: EvaluateContext,
  options: ConcludeOptions,
): Promise<VerbOutcome> {
  const { deps } = options;
  const candidate = assembleMetrics(measured.candidate.state, { ...measured.candidate, rows: measured.rows });
  const baseline = measured.baseline
    ? assembleMetrics(measured.baseline.state, { ...measured.baseline, rows: measured.rows })
    : undefined;
  const custom = customMetricsFor(ctx.config, ctx.name, options.environment);
  if (custom.length > 0) {
    const load = memoizedLoader(ctx.root);
    Object.assign(
      candidate.metrics,
      await computeCustomMetrics(custom, load, measured.task, measured.candidate),
    );
    if (baseline && measured.baseline) {
      Object.assign(
        baseline.metrics,
        await computeCustomMetrics(custom, load, measured.task, measured.baseline),
      );
    }
  }
  const sliceMetrics = (slices: Record<string, EvaluationState>) =>
    Object.fromEntries(Object.entries(slices).map(([name, state]) => [name, computeMetrics(state)]));
  const candidateSlices = sliceMetrics(measured.candidate.slices ?? {});
  const baselineSlices = measured.baseline ? sliceMetrics(measured.baseline.slices ?? {}) : undefined;
  const { results, skipped } = options.shard
    ? { results: [], skipped: [] }
    : checkGates({
        config: ctx.config,
        modelId: ctx.name,
        environment: options.environment,
        dataset: ctx.dataset?.name,
        current: candidate.metrics,
        baseline: baseline?.metrics ?? null,
        slices: {
          candidate: mapValues(candidateSlices, (r) => r.metrics),
          baseline: baselineSlices ? mapValues(baselineSlices, (r) => r.metrics) : null,
        },
        ...(measured.baseline
          ? {
              paired: {
                task: measured.task,
                candidate: measured.candidate.perRow,
                baseline: measured.baseline.perRow,
              },
            }
          : {}),
      });
  const verdict = verdictOf(results, skipped);
  const written = await writeResultFiles(ctx, measured, candidate.metrics, options);
  const view: EvaluationView = {
    name: ctx.name,
    modelPath: ctx.modelPath,
    data: ctx.dataPath,
    rows: measured.rows,
    task: measured.task,
    output: measured.candidate.output,
    metrics: candidate.metrics,
    report: candidate.report,
    baseline:
      measured.baseline && baseline
        ? { label: measured.baseline.label, metrics: baseline.metrics }
        : undefined,
    gates: results,
    skipped,
    directions: Object.fromEntries(custom.map((m) => [m.name, m.direction])),
    slices: Object.entries(candidateSlices).map(([name, r]) => ({
      name,
      rows: r.rows,
      metrics: r.metrics,
      baseline: baselineSlices?.[name]?.metrics,
    })),
    verdict,
    headline: headlineMetrics(candidate.metrics, ctx.config.models[ctx.name]?.metrics ?? [], results),
  };
  const markdown = renderEvaluationMarkdown(view);
  // Gates that did not pass point at their line of modelops.yaml: ::error here, annotations on the check.
  const annotations = options.shard
    ? []
    : gateAnnotations(results, await locateGates(ctx.root, ctx.config, ctx.name), ctx.name);
  logAnnotations(deps.logger, annotations);
  const posted = options.shard ? {} : await reportToGitHub(deps, ctx.name, verdict, markdown, annotations);
  // The content hash lets deploy check that this evidence is about the version it promotes.
  const sha256 = await sha256File(ctx.modelFile).catch(() => undefined);
  const result = {
    name: ctx.name,
    model: ctx.modelPath,
    ...(sha256 ? { sha256 } : {}),
    data: ctx.dataPath,
    ...(ctx.dataset ? { dataset: ctx.dataset.name } : {}),
    task: measured.task,
    output: measured.candidate.output,
    rows: measured.rows,
    metrics: candidate.metrics,
    confusion_matrix: candidate.report.confusionMatrix,
    per_class: candidate.report.perClass,
    warnings: candidate.report.warnings,
    ...(Object.keys(candidateSlices).length > 0
      ? {
          slices: Object.fromEntries(
            Object.entries(candidateSlices).map(([slice, r]) => [
              slice,
              {
                rows: r.rows,
                metrics: r.metrics,
                ...(baselineSlices?.[slice] ? { baseline: { metrics: baselineSlices[slice].metrics } } : {}),
              },
            ]),
          ),
        }
      : {}),
    ...(measured.baseline && baseline
      ? {
          baseline: {
            label: measured.baseline.label,
            output: measured.baseline.output,
            metrics: baseline.metrics,
          },
        }
      : {}),
    gates: results,
    ...(skipped.length > 0 ? { skipped_gates: skipped } : {}),
    verdict,
    timing: {
      wall_ms: Math.round(measured.wallMs),
      rows_per_second: measured.wallMs > 0 ? Math.round((measured.rows * 1000) / measured.wallMs) : null,
    },
    ...(Object.keys(written).length > 0 ? { files: written } : {}),
    ...(options.shard ? { shard: { state: options.shard.statePath } } : {}),
    ...(options.merged ? { merged_shards: options.merged } : {}),
    ...(posted.comment ? { comment: posted.comment } : {}),
    ...(posted.check ? { check: posted.check } : {}),
  };
  return {
    exitCode: verdict === 'fail' ? 1 : 0,
    result,
    outputs: { metrics: JSON.stringify(candidate.metrics), verdict },
    text: renderEvaluationText(view),
    summary: posted.overflow ?? markdown,
  };
}

function mapValues<T, U>(record: Record<string, T>, f: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}

/**
 * The files asked for: per-row predictions (any run that kept rows), a DVC metrics file and the
 * model card's model-index (not from a shard: it has only part of the rows).
 */
async function writeResultFiles(
  ctx: EvaluateContext,
  measured: Measured,
  metrics: Record<string, number>,
  options: ConcludeOptions,
): Promise<Record<string, string>> {
  const files = options.files ?? {};
  const written: Record<string, string> = {};
  const at = (path: string) => resolve(options.deps.cwd, path);
  if (files.predictions) {
    if (!measured.candidate.kept) {
      throw new UsageError('--write-predictions needs the model run: merged shard states keep no rows', {
        fix: 'pass --write-predictions to each sharded run (one file per shard)',
      });
    }
    await writePredictions(at(files.predictions), measured.task, measured.candidate.kept);
    written.predictions = files.predictions;
  }
  if (options.shard) return written;
  if (files.metrics) {
    await writeMetricsFile(at(files.metrics), metrics);
    written.metrics = files.metrics;
  }
  if (files.updateCard) {
    const card = ctx.config.models[ctx.name]?.card ?? `models/${ctx.name}/card.md`;
    await updateModelCard(resolve(ctx.root, card), {
      name: ctx.name,
      task: measured.task,
      dataset: ctx.dataset?.name ?? ctx.dataPath,
      metrics,
    });
    written.card = card;
  }
  return written;
}
