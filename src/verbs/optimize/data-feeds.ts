import type { DatasetSource } from '../../core/data/types.js';
import { UsageError } from '../../core/errors.js';
import type { CalibrationFeed } from '../../core/optimize/index.js';
import type { RuntimeTensor, RuntimeValueInfo } from '../../platform/runtime/index.js';
import { buildFeeds, checkFeedWidths, planFeeds } from '../evaluate/feeds.js';

const LABEL_GUESSES = ['label', 'labels', 'target', 'y'];

/** The label column: the one given, else a conventional name the file has. */
export async function labelColumnOf(
  source: DatasetSource,
  given: string | undefined,
  file: string,
): Promise<string> {
  if (given) return given;
  const columns = await source.columnNames();
  const guess = LABEL_GUESSES.find((g) => columns.includes(g));
  if (guess) return guess;
  throw new UsageError(`no label column given for ${file} (columns: ${columns.join(', ') || 'none'})`, {
    fix: 'pass --label-column NAME',
  });
}

/**
 * The first `rows` rows of the data as model feeds, in batches of `batchSize`, mapped onto the
 * model's inputs as evaluate maps them (every column but the label, in file order). A file whose
 * rows do not fit the model's inputs is a UsageError naming the columns and the expected shape.
 */
export async function readFeeds(options: {
  source: DatasetSource;
  file: string;
  labelColumn: string;
  inputs: readonly RuntimeValueInfo[];
  rows: number;
  batchSize: number;
}): Promise<Record<string, RuntimeTensor>[]> {
  const columnNames = await options.source.columnNames();
  const plan = planFeeds(
    options.inputs,
    columnNames,
    { labelColumn: options.labelColumn, features: 'all-but-label', inputs: {} },
    options.file,
  );
  const feeds: Record<string, RuntimeTensor>[] = [];
  let read = 0;
  const columns = [...new Set(plan.flatMap((f) => f.columns))];
  for await (const batch of options.source.batches({ batchSize: options.batchSize, columns })) {
    if (batch.rows === 0) continue;
    if (read === 0) checkFeedWidths(plan, batch, options.file);
    feeds.push(buildFeeds(plan, batch, options.file));
    read += batch.rows;
    if (read >= options.rows) break;
  }
  if (feeds.length === 0) {
    throw new UsageError(`${options.file} has no data rows`, {
      fix: 'give a data file with rows under the header',
    });
  }
  return feeds;
}

/** Feeds as calibration passes take them (float, int32 or int64 data). */
export function toCalibration(feeds: readonly Record<string, RuntimeTensor>[]): CalibrationFeed[] {
  return feeds.map((feed) =>
    Object.fromEntries(
      Object.entries(feed).map(([name, t]) => {
        const data =
          t.data instanceof Float32Array || t.data instanceof BigInt64Array || t.data instanceof Int32Array
            ? t.data
            : Float32Array.from(t.data as ArrayLike<number>);
        return [name, { dims: [...t.dims], data }];
      }),
    ),
  );
}

/** One row of the first feed (batch 1), for latency. */
export function firstRow(feed: Record<string, RuntimeTensor>): Record<string, RuntimeTensor> {
  return Object.fromEntries(
    Object.entries(feed).map(([name, t]) => {
      const rowSize = t.dims.slice(1).reduce((n, d) => n * d, 1);
      return [
        name,
        { ...t, dims: [1, ...t.dims.slice(1)], data: t.data.slice(0, rowSize) as RuntimeTensor['data'] },
      ];
    }),
  );
}

/**
 * A batch-1 feed made from the model's signature when there is no data: symbolic or unknown
 * dims are 1, floats are a fixed pseudo-random pattern in [-1, 1), integers and booleans 0.
 */
export function syntheticFeed(inputs: readonly RuntimeValueInfo[]): Record<string, RuntimeTensor> {
  let state = 12345;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  };
  const feed: Record<string, RuntimeTensor> = {};
  for (const input of inputs) {
    const dims = (input.shape ?? [1]).map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    const count = dims.reduce((n, d) => n * d, 1);
    const type = input.elementType ?? 'float';
    if (type === 'float' || type === 'double') {
      const data = type === 'float' ? new Float32Array(count) : new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = next();
      feed[input.name] = { elementType: type, dims, data };
    } else if (type === 'int64')
      feed[input.name] = { elementType: type, dims, data: new BigInt64Array(count) };
    else if (['int32', 'uint8', 'int8', 'bool'].includes(type)) {
      const data =
        type === 'int32'
          ? new Int32Array(count)
          : type === 'int8'
            ? new Int8Array(count)
            : new Uint8Array(count);
      feed[input.name] = { elementType: type, dims, data };
    } else {
      throw new UsageError(`model input '${input.name}' is ${type}, which optimize cannot make up data for`, {
        fix: 'give --data with rows for the model inputs',
      });
    }
  }
  return feed;
}
