import { performance } from 'node:perf_hooks';
import type { DatasetSource } from '../../core/data/types.js';
import { computeMetrics, type Task } from '../../core/evaluate/index.js';
import { percentile } from '../../core/evaluate/paired-bootstrap.js';
import type { ModelRuntime, RuntimeTensor } from '../../platform/runtime/index.js';
import type { Progress } from '../../platform/progress.js';
import { runModelsOnData } from '../evaluate/run-models.js';
import { selectOutput } from '../evaluate/scoring.js';

/** Latency of one model over the interleaved rounds, in milliseconds. */
export interface Latency {
  p50: number;
  p95: number;
  runs: number;
}

/**
 * Times every model on the same batch-1 feed, round by round: each round runs every model once,
 * starting one model later than the round before, so drift in machine load (other jobs, CPU
 * frequency) falls on all of them alike. A few untimed warm-up runs come first.
 */
export async function timeInterleaved(
  models: readonly ModelRuntime[],
  feed: Record<string, RuntimeTensor>,
  runs: number,
  progress?: Progress,
): Promise<Latency[]> {
  const times = models.map(() => [] as number[]);
  for (let w = 0; w < 3; w++) for (const m of models) await m.run(feed);
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < models.length; k++) {
      const i = (round + k) % models.length;
      const t0 = performance.now();
      await models[i]!.run(feed);
      times[i]!.push(performance.now() - t0);
    }
    progress?.tick(1);
  }
  return times.map((t) => {
    const sorted = Float64Array.from(t).sort();
    return { p50: round3(percentile(sorted, 0.5)), p95: round3(percentile(sorted, 0.95)), runs: t.length };
  });
}

/** How far a candidate's outputs are from the original's on one feed. */
export interface Agreement {
  /** Largest absolute difference over float outputs. */
  maxAbsDiff: number;
  /** Largest absolute value of the original's float outputs (for a relative reading). */
  scale: number;
  /** Elements of integer outputs (labels) that differ. */
  mismatched: number;
}

export async function agreement(
  original: Record<string, RuntimeTensor>,
  candidate: ModelRuntime,
  feed: Record<string, RuntimeTensor>,
): Promise<Agreement> {
  const outputs = await candidate.run(feed, Object.keys(original));
  let maxAbsDiff = 0;
  let scale = 0;
  let mismatched = 0;
  for (const [name, expected] of Object.entries(original)) {
    const got = outputs[name]!;
    const a = expected.data as ArrayLike<number | bigint>;
    const b = got.data as ArrayLike<number | bigint>;
    if (a.length !== b.length) {
      mismatched += Math.max(a.length, b.length);
      continue;
    }
    const float = expected.elementType === 'float' || expected.elementType === 'double';
    for (let i = 0; i < a.length; i++) {
      if (float) {
        const x = Number(a[i]);
        scale = Math.max(scale, Math.abs(x));
        const d = Math.abs(x - Number(b[i]));
        maxAbsDiff = Number.isNaN(d) ? Infinity : Math.max(maxAbsDiff, d);
      } else if (a[i] !== b[i]) mismatched++;
    }
  }
  return { maxAbsDiff, scale, mismatched };
}

/**
 * Quality metrics of every model on the data, with evaluate's code: the data streams once and
 * each batch goes through every model, so all are scored on exactly the same rows.
 */
export async function scoreOnData(options: {
  models: readonly { label: string; runtime: ModelRuntime }[];
  source: DatasetSource;
  file: string;
  labelColumn: string;
  task: Task | undefined;
  batchSize: number;
  progress: Progress;
}): Promise<{ task: Task; rows: number; metrics: Record<string, number>[] }> {
  const models = options.models.map((m) => ({
    source: m.label,
    runtime: m.runtime,
    output: selectOutput(m.runtime, undefined, m.label),
  }));
  const run = await runModelsOnData({
    models,
    source: options.source,
    file: options.file,
    mapping: { labelColumn: options.labelColumn, features: 'all-but-label', inputs: {} },
    task: options.task,
    batchSize: options.batchSize,
    progress: options.progress,
  });
  return { task: run.task, rows: run.rows, metrics: run.runs.map((r) => computeMetrics(r.state).metrics) };
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
