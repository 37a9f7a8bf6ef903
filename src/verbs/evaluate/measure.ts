import type { DataFormat, DatasetSource, Shard } from '../../core/data/types.js';
import { UsageError } from '../../core/errors.js';
import type { EvaluationState, Task } from '../../core/evaluate/index.js';
import { defaultReplicas, type CreateSession, type ModelRuntime } from '../../platform/runtime/index.js';
import type { Progress } from '../../platform/progress.js';
import type { ColumnMapping } from './feeds.js';
import type { SliceConfig } from '../../core/config/index.js';
import { runModelsOnData, type KeptRows, type ModelUnderTest } from './run-models.js';
import { selectOutput } from './scoring.js';

/** Opens a data file as a stream of column batches (src/platform/data's openDataset). */
export type OpenDataset = (
  path: string,
  options?: { format?: DataFormat },
) => DatasetSource | Promise<DatasetSource>;

/** One model's raw measurements: mergeable across shards, turned into metrics at the end. */
export interface MeasuredModel {
  label: string;
  output: string;
  sizeBytes: number;
  state: EvaluationState;
  latenciesMs: number[];
  inferenceMs: number;
  /** Per-row values for paired tests; empty after a merge. */
  perRow: number[];
  /** State per slice that had rows (merged like the whole). */
  slices: Record<string, EvaluationState>;
  /** Every row's label and prediction when asked for; undefined after a merge. */
  kept?: KeptRows | undefined;
  /** After a merge: custom metric name → each shard's accumulator state, in shard order. */
  customStates?: Record<string, unknown[]> | undefined;
}

/** What running the candidate (and baseline) over the data gave. */
export interface Measured {
  task: Task;
  rows: number;
  wallMs: number;
  candidate: MeasuredModel;
  baseline: MeasuredModel | undefined;
}

/** A model to load: a file path, or bytes read from git (a baseline at another commit). */
export interface ModelSource {
  label: string;
  model: string | Uint8Array;
  sizeBytes: number;
}

/** Loads the models, streams the data through them once and returns the raw measurements. */
export async function measure(options: {
  candidate: ModelSource;
  baseline: ModelSource | undefined;
  createSession: CreateSession;
  openDataset: OpenDataset;
  dataFile: string;
  dataPath: string;
  dataFormat: DataFormat | undefined;
  labelColumn: string | undefined;
  mapping: Omit<ColumnMapping, 'labelColumn'>;
  task: Task | undefined;
  output: string | undefined;
  batchSize: number;
  shard: Shard | undefined;
  progress: Progress;
  slices?: readonly SliceConfig[];
  keepRows?: boolean;
  /** Session replicas per model (--sessions); default: see defaultReplicas. */
  sessions?: number | undefined;
}): Promise<Measured> {
  const sources = [options.candidate, ...(options.baseline ? [options.baseline] : [])];
  const runtimes: ModelRuntime[] = [];
  try {
    for (const s of sources) {
      const replicas = options.sessions ?? defaultReplicas(s.sizeBytes);
      runtimes.push(await options.createSession(s.model, { source: s.label, replicas }));
    }
    const models: ModelUnderTest[] = sources.map((s, i) => ({
      source: s.label,
      runtime: runtimes[i]!,
      output: selectOutput(
        runtimes[i]!,
        i === 0 ? options.output : matchingOutput(runtimes[i]!, options.output),
        s.label,
      ),
    }));
    const source = await options.openDataset(
      options.dataFile,
      options.dataFormat ? { format: options.dataFormat } : {},
    );
    const labelColumn = options.labelColumn ?? (await guessLabelColumn(source, options.dataPath));
    const run = await runModelsOnData({
      models,
      source,
      file: options.dataPath,
      mapping: { ...options.mapping, labelColumn },
      task: options.task,
      batchSize: options.batchSize,
      ...(options.shard ? { shard: options.shard } : {}),
      progress: options.progress,
      slices: options.slices ?? [],
      keepRows: options.keepRows ?? false,
    });
    const measured = run.runs.map((r, i) => ({
      label: sources[i]!.label,
      output: models[i]!.output,
      sizeBytes: sources[i]!.sizeBytes,
      state: r.state,
      latenciesMs: r.latenciesMs,
      inferenceMs: r.inferenceMs,
      perRow: r.perRow,
      slices: r.slices,
      kept: r.kept,
    }));
    return {
      task: run.task,
      rows: run.rows,
      wallMs: run.wallMs,
      candidate: measured[0]!,
      baseline: measured[1],
    };
  } finally {
    for (const runtime of runtimes) await runtime.release();
  }
}

/** A baseline is scored on the output the candidate was told to use, when it has one of that name. */
function matchingOutput(runtime: ModelRuntime, requested: string | undefined): string | undefined {
  return requested && runtime.outputs.some((o) => o.name === requested) ? requested : undefined;
}

const LABEL_GUESSES = ['label', 'labels', 'target', 'y'];

async function guessLabelColumn(source: DatasetSource, file: string): Promise<string> {
  const columns = await source.columnNames();
  const guess = LABEL_GUESSES.find((g) => columns.includes(g));
  if (guess) return guess;
  throw new UsageError(`no label column given for ${file} (columns: ${columns.join(', ') || 'none'})`, {
    fix: 'pass --label-column NAME, or set label-column on the dataset in modelops.yaml',
  });
}
