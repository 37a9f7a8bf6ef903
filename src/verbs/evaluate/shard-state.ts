import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Shard } from '../../core/data/types.js';
import { UsageError } from '../../core/errors.js';
import { mergeStates, type EvaluationState } from '../../core/evaluate/index.js';
import { writeFileAtomic } from '../../platform/fs/index.js';
import type { Measured, MeasuredModel } from './measure.js';

/** The file a sharded run writes and `--merge` reads. */
export interface ShardFile {
  format: 'modelops.evaluate.shard';
  version: 1;
  name: string;
  modelPath: string;
  dataPath: string;
  /** 1-based, as given on the command line. */
  shard: { index: number; count: number };
  task: Measured['task'];
  rows: number;
  wallMs: number;
  candidate: ShardModel;
  baseline: ShardModel | null;
}

/** One model's part of a shard file: its measurements and its custom metrics' accumulator states. */
type ShardModel = Omit<MeasuredModel, 'perRow' | 'kept' | 'customStates'> & {
  custom?: Record<string, unknown>;
};

/** `.modelops/evaluate-<name>-shard-I-of-N.json`, with `dir=name` and slashes made file-safe. */
export function defaultStatePath(name: string, shard: Shard): string {
  return `.modelops/evaluate-${name.replace(/[=/]/g, '-')}-shard-${shard.index + 1}-of-${shard.count}.json`;
}

export async function writeShardFile(
  file: string,
  measured: Measured,
  meta: { name: string; modelPath: string; dataPath: string; shard: Shard },
  /** Custom metric states of the candidate and the baseline (see customMetricStates). */
  custom: { candidate: Record<string, unknown>; baseline?: Record<string, unknown> } = { candidate: {} },
): Promise<void> {
  const strip = (
    { perRow: _perRow, kept: _kept, customStates: _states, ...rest }: MeasuredModel,
    states: Record<string, unknown> | undefined,
  ): ShardModel => ({ ...rest, custom: states ?? {} });
  const content: ShardFile = {
    format: 'modelops.evaluate.shard',
    version: 1,
    name: meta.name,
    modelPath: meta.modelPath,
    dataPath: meta.dataPath,
    shard: { index: meta.shard.index + 1, count: meta.shard.count },
    task: measured.task,
    rows: measured.rows,
    wallMs: measured.wallMs,
    candidate: strip(measured.candidate, custom.candidate),
    baseline: measured.baseline ? strip(measured.baseline, custom.baseline) : null,
  };
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(content) + '\n');
}

/**
 * Reads shard files and combines them into what one unsharded run measures: states merge exactly
 * (core mergeStates), latencies are pooled, inference times add up.
 */
export async function mergeShardFiles(
  files: readonly string[],
  cwd: (path: string) => string,
): Promise<{ measured: Measured; shards: ShardFile[] }> {
  const shards: ShardFile[] = [];
  for (const file of files) {
    const text = await readFile(cwd(file), 'utf8').catch(() => {
      throw new UsageError(`shard state ${file} does not exist`, {
        fix: 'pass the files the sharded runs wrote (--state-output)',
      });
    });
    let parsed: ShardFile;
    try {
      parsed = JSON.parse(text) as ShardFile;
    } catch {
      throw new UsageError(`shard state ${file} is not JSON`, {
        fix: 'pass the files the sharded runs wrote, unchanged',
      });
    }
    if (parsed?.format !== 'modelops.evaluate.shard' || parsed.version !== 1) {
      throw new UsageError(`${file} is not a modelops evaluate shard state`, {
        fix: 'pass the files the sharded runs wrote, unchanged',
      });
    }
    shards.push(parsed);
  }
  const [first] = shards;
  if (!first)
    throw new UsageError('--merge got no files', { fix: 'pass the shard state files, comma separated' });
  const seen = new Set<number>();
  for (const [i, s] of shards.entries()) {
    if (
      s.name !== first.name ||
      s.shard.count !== first.shard.count ||
      Boolean(s.baseline) !== Boolean(first.baseline)
    ) {
      throw new UsageError(
        `${files[i]} is shard ${s.shard.index}/${s.shard.count} of ${s.name}, unlike ${files[0]} (${first.name}, ${first.shard.count} shards)`,
        {
          fix: 'merge the shards of one evaluation',
        },
      );
    }
    if (seen.has(s.shard.index))
      throw new UsageError(`shard ${s.shard.index}/${s.shard.count} was given twice`, {
        fix: 'pass each shard once',
      });
    seen.add(s.shard.index);
  }
  if (seen.size !== first.shard.count) {
    const missing = Array.from({ length: first.shard.count }, (_, i) => i + 1).filter((i) => !seen.has(i));
    throw new UsageError(`shard(s) ${missing.join(', ')} of ${first.shard.count} are missing`, {
      fix: 'pass every shard: the metrics must cover all rows',
    });
  }
  // Shard order, whatever order the files came in: custom metrics merge their states in this order.
  shards.sort((a, b) => a.shard.index - b.shard.index);
  const combine = (models: ShardModel[]): MeasuredModel => ({
    label: models[0]!.label,
    output: models[0]!.output,
    sizeBytes: models[0]!.sizeBytes,
    state: mergeStates(models.map((m) => m.state)),
    latenciesMs: models.flatMap((m) => m.latenciesMs),
    inferenceMs: models.reduce((sum, m) => sum + m.inferenceMs, 0),
    perRow: [],
    slices: mergeSlices(models.map((m) => m.slices ?? {})),
    customStates: collectStates(models.map((m) => m.custom ?? {})),
  });
  return {
    shards,
    measured: {
      task: first.task,
      rows: shards.reduce((sum, s) => sum + s.rows, 0),
      wallMs: Math.max(...shards.map((s) => s.wallMs)),
      candidate: combine(shards.map((s) => s.candidate)),
      baseline: first.baseline ? combine(shards.map((s) => s.baseline!)) : undefined,
    },
  };
}

/** Each custom metric's states, one per shard in shard order, when every shard has one. */
function collectStates(perShard: Record<string, unknown>[]): Record<string, unknown[]> {
  const names = [...new Set(perShard.flatMap((s) => Object.keys(s)))];
  // A metric missing from some shard cannot be merged: leave it out, and computeCustomMetrics says so.
  return Object.fromEntries(
    names.filter((n) => perShard.every((s) => n in s)).map((n) => [n, perShard.map((s) => s[n])]),
  );
}

/** Each slice's states across shards, merged exactly; a slice absent from a shard had no rows there. */
function mergeSlices(perShard: Record<string, EvaluationState>[]): Record<string, EvaluationState> {
  const names = [...new Set(perShard.flatMap((s) => Object.keys(s)))];
  return Object.fromEntries(
    names.map((name) => [name, mergeStates(perShard.flatMap((s) => (s[name] ? [s[name]] : [])))]),
  );
}
