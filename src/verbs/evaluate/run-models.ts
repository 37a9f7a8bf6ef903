import { performance } from 'node:perf_hooks';
import type { DataBatch, DatasetSource, Shard } from '../../core/data/types.js';
import { isUsageError, UsageError } from '../../core/errors.js';
import {
  createAccumulator,
  type Accumulator,
  type Batch,
  type EvaluationState,
  type Task,
} from '../../core/evaluate/index.js';
import type { ModelRuntime, RuntimeTensor, TimedRun } from '../../platform/runtime/index.js';
import type { Progress } from '../../platform/progress.js';
import type { SliceConfig } from '../../core/config/index.js';
import { columnOf } from './column-values.js';
import { buildFeeds, checkFeedWidths, planFeeds, type ColumnMapping, type InputFeed } from './feeds.js';
import { inferTask, perRowValues, readLabels, readPredictions, scoringFor, type Scoring } from './scoring.js';
import { pickRows, sliceColumns, sliceMembers } from './slices.js';

/** Every row's label and prediction, kept when custom metrics or --write-predictions need them. */
export interface KeptRows {
  /** File row index (0-based, before sharding) of each kept row. */
  row: number[];
  yTrue: (number | number[])[];
  /** Probabilities: P(class 1) per row (binary) or one array per row. */
  yScore: (number | number[])[] | undefined;
  /** Predicted labels or values, when the output is not probabilities. */
  yPred: (number | number[])[] | undefined;
}

/** One model to run over the data: the candidate first, then (optionally) the baseline. */
export interface ModelUnderTest {
  /** How errors and reports name it ('models/churn/model.onnx', 'churn@v1.2.0'). */
  source: string;
  runtime: ModelRuntime;
  /** The output scored (see selectOutput). */
  output: string;
}

/** What one model did over the whole data. */
export interface ModelRun {
  state: EvaluationState;
  /** Milliseconds of each onnxruntime run, one per batch. */
  latenciesMs: number[];
  inferenceMs: number;
  /** Per-row values for paired significance tests (see perRowValues). */
  perRow: number[];
  /** State per slice of the dataset that had rows. */
  slices: Record<string, EvaluationState>;
  kept: KeptRows | undefined;
}

export interface DataRun {
  task: Task;
  rows: number;
  wallMs: number;
  runs: ModelRun[];
}

/**
 * Streams the data once and runs every model on each batch, so a baseline is compared on exactly
 * the candidate's rows and measured in the same job. Batches held: one being read, two per
 * session replica being run or queued and one more, one being scored.
 */
export async function runModelsOnData(options: {
  models: readonly ModelUnderTest[];
  source: DatasetSource;
  /** The data file as the user named it, for messages. */
  file: string;
  mapping: ColumnMapping;
  task: Task | undefined;
  batchSize: number;
  shard?: Shard;
  progress: Progress;
  /** Slices to measure separately (each row may fall in several). */
  slices?: readonly SliceConfig[];
  /** Keep every row's label and prediction (custom metrics, --write-predictions). */
  keepRows?: boolean;
}): Promise<DataRun> {
  const { models, source, file, mapping } = options;
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new UsageError(`--batch-size ${options.batchSize} is not a positive integer`, {
      fix: 'pass --batch-size 1 or more, e.g. 256',
    });
  }
  const columnNames = await source.columnNames();
  const feeds: InputFeed[][] = models.map((m) => planFeeds(m.runtime.inputs, columnNames, mapping, file));
  const slices = options.slices ?? [];
  const columns = [
    ...new Set([mapping.labelColumn, ...feeds.flat().flatMap((f) => f.columns), ...sliceColumns(slices)]),
  ];

  let scoring: Scoring | undefined;
  let accumulators: Accumulator[] = [];
  const sliceAccumulators = models.map(() => new Map<string, Accumulator>());
  const runs = models.map(() => ({
    latenciesMs: [] as number[],
    inferenceMs: 0,
    perRow: [] as number[],
    kept: options.keepRows ? newKept() : undefined,
  }));
  let rows = 0;
  // Throughput is timed from the end of the warm-up run (model loading and onnxruntime's first-run
  // allocations are not throughput, as in a raw session.run loop) to the last batch scored.
  let started = performance.now();
  const batches = source.batches({
    batchSize: options.batchSize,
    columns,
    ...(options.shard ? { shard: options.shard } : {}),
  });
  const iterator = batches[Symbol.asyncIterator]();
  const readAhead = () => {
    const promise = iterator.next();
    // Handled when awaited; this only keeps a read error from counting as unhandled meanwhile.
    promise.catch(() => undefined);
    return promise;
  };
  let pending = readAhead();
  const stride = options.shard?.count ?? 1;
  let warmed = false;
  // Runs kept in flight: two per session replica (one computing, one queued behind it, so no
  // replica waits for this thread to finish scoring before it gets its next batch) and one more
  // that goes to whichever replica frees first; batches are settled in file order (per-row values
  // pair up across models).
  const depth = 2 * Math.max(...models.map((m) => m.runtime.concurrency ?? 1)) + 1;
  const inFlight: InFlight[] = [];

  /** Scores one batch whose runs were started earlier: accumulators, slices, kept rows. */
  const settle = async ({ batch, members, results }: InFlight) => {
    const where = { file, batch, stride };
    const labelColumn = columnOf(batch, mapping.labelColumn);
    let yTrue: ReturnType<typeof readLabels> | undefined;
    for (const [i, model] of models.entries()) {
      const { outputs, ms, returned } = await results[i]!;
      // The feeds' memory, back from onnxruntime's thread: the reader fills it with a later batch.
      for (const buffer of returned ?? []) source.recycle?.(buffer);
      runs[i]!.latenciesMs.push(ms);
      runs[i]!.inferenceMs += ms;
      const tensor = outputs[model.output]!;
      if (!scoring) {
        const task = options.task ?? inferTask(tensor, model.output, labelColumn, where);
        scoring = scoringFor(task, model.output, tensor);
        accumulators = models.map(() => createAccumulator(task, accumulatorOptions(scoring!)));
      }
      yTrue ??= readLabels(scoring, labelColumn, where);
      const own = { ...scoring, output: model.output };
      const batchValues = { yTrue, ...readPredictions(own, tensor, batch.rows) };
      try {
        accumulators[i]!.add(batchValues);
      } catch (error) {
        if (!isUsageError(error)) throw error;
        throw new UsageError(
          `${model.source} on ${file} rows ${batch.start + 1}–${batch.start + batch.rows}: ${error.message}`,
        );
      }
      // Per-row values only serve paired tests against a baseline: skip the work without one.
      if (models.length > 1) for (const v of perRowValues(own, batchValues)) runs[i]!.perRow.push(v);
      slices.forEach((slice, k) => {
        if (members[k]!.length === 0) return;
        let accumulator = sliceAccumulators[i]!.get(slice.name);
        if (!accumulator) {
          accumulator = createAccumulator(scoring!.task, accumulatorOptions(scoring!));
          sliceAccumulators[i]!.set(slice.name, accumulator);
        }
        accumulator.add(pickRows(batchValues, members[k]!));
      });
      if (runs[i]!.kept) keep(runs[i]!.kept!, batchValues, batch.start, stride);
    }
    rows += batch.rows;
    options.progress.tick(batch.rows);
  };

  try {
    for (;;) {
      const next = await pending;
      if (next.done) break;
      const batch: DataBatch = next.value;
      if (!warmed) feeds.forEach((f) => checkFeedWidths(f, batch, file));
      // Read ahead: the reader parses the next batch while onnxruntime runs this one.
      pending = readAhead();
      if (batch.rows === 0) continue;
      const members = slices.length > 0 ? sliceMembers(slices, batch) : [];
      const tensors = models.map((_, i) => buildFeeds(feeds[i]!, batch, file, stride));
      if (!warmed) {
        // An untimed first run on every replica: onnxruntime allocates and plans on it, which is
        // not latency.
        for (const [i, model] of models.entries()) {
          const replicas = Array.from({ length: model.runtime.concurrency ?? 1 });
          await Promise.all(replicas.map(() => model.runtime.run(tensors[i]!, [model.output])));
        }
        warmed = true;
        started = performance.now();
      }
      // Start this batch's runs, then score the oldest batch while they compute: with sessions
      // in worker threads, data and metrics work overlaps inference.
      const handOver = exclusiveFeeds(tensors, batch, mapping.labelColumn);
      inFlight.push({
        batch,
        members,
        results: models.map((m, i) => startRun(m, tensors[i]!, handOver[i]!)),
      });
      if (inFlight.length >= depth) await settle(inFlight.shift()!);
    }
    for (const job of inFlight.splice(0)) await settle(job);
  } finally {
    await iterator.return?.();
  }
  options.progress.done(`${rows} rows`);
  if (rows === 0 || !scoring) {
    throw new UsageError(`${file} has no data rows${options.shard ? ' in this shard' : ''}`, {
      fix: 'evaluate on a file with at least one row under the header',
    });
  }
  return {
    task: scoring.task,
    rows,
    wallMs: performance.now() - started,
    runs: runs.map((r, i) => ({
      ...r,
      state: accumulators[i]!.toState(),
      slices: Object.fromEntries([...sliceAccumulators[i]!].map(([name, a]) => [name, a.toState()])),
    })),
  };
}

/** A batch whose runs are under way. */
interface InFlight {
  batch: DataBatch;
  /** Rows of the batch in each slice. */
  members: number[][];
  results: Promise<TimedRun>[];
}

/** Starts one model's run; a failure is raised when the result is awaited, never as unhandled. */
function startRun(
  model: ModelUnderTest,
  tensors: Record<string, RuntimeTensor>,
  transfer: boolean,
): Promise<TimedRun> {
  const { runtime } = model;
  const started = performance.now();
  const result = runtime.runTimed
    ? runtime.runTimed(tensors, [model.output], { transfer })
    : runtime.run(tensors, [model.output]).then((outputs) => ({ outputs, ms: performance.now() - started }));
  result.catch(() => undefined);
  return result;
}

/**
 * Per model: whether its feed buffers may move to onnxruntime's thread instead of being copied —
 * when nothing else reads them after the run starts (another model's feeds, the label column that
 * is scored later). Readers give every batch buffers of its own, so later batches are unaffected.
 */
function exclusiveFeeds(
  tensors: readonly Record<string, RuntimeTensor>[],
  batch: DataBatch,
  labelColumn: string,
): boolean[] {
  const bufferOf = (data: unknown) => (ArrayBuffer.isView(data) ? data.buffer : undefined);
  const buffersOf = (feeds: Record<string, RuntimeTensor>) =>
    Object.values(feeds).map((t) => bufferOf(t.data));
  const label = bufferOf(columnOf(batch, labelColumn).data);
  return tensors.map((own, i) => {
    const others = new Set([label, ...tensors.filter((_, j) => j !== i).flatMap(buffersOf)]);
    return buffersOf(own).every((b) => b !== undefined && !others.has(b));
  });
}

function newKept(): KeptRows {
  return { row: [], yTrue: [], yScore: undefined, yPred: undefined };
}

/** Copies the batch's rows out of the output tensor (its buffer is not ours to keep). */
function keep(kept: KeptRows, values: Batch, start: number, stride: number): void {
  const plain = (v: number | ArrayLike<number>) => (typeof v === 'number' ? v : Array.from(v));
  values.yTrue.forEach((t, r) => {
    kept.row.push(start + r * stride);
    kept.yTrue.push(plain(t));
  });
  if (values.yScore) for (const v of values.yScore) (kept.yScore ??= []).push(plain(v));
  if (values.yPred) for (const v of values.yPred) (kept.yPred ??= []).push(plain(v));
}

function accumulatorOptions(scoring: Scoring): object {
  if (scoring.task === 'multiclass') return { numClasses: scoring.width };
  if (scoring.task === 'multilabel') return { numLabels: scoring.width };
  return {};
}
