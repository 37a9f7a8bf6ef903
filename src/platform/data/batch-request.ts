import { UsageError } from '../../core/errors.js';
import type { Shard } from '../../core/data/types.js';

/** What `DatasetSource.batches()` accepts. */
export interface BatchOptions {
  batchSize: number;
  shard?: Shard;
  columns?: readonly string[];
}

/** Validated batch options, with the selected columns as indices into the file's columns. */
export interface BatchRequest {
  batchSize: number;
  shardIndex: number;
  shardCount: number;
  /** Indices into the file's columns, in the order the caller asked for them (file order by default). */
  selected: number[];
}

/**
 * Checks batch size, shard and column names against the file's columns. Selected columns come back
 * in the caller's order, so `columns: ['label', 'x']` yields the label first.
 */
export function resolveBatchRequest(path: string, options: BatchOptions, available: string[]): BatchRequest {
  const { batchSize, shard = { index: 0, count: 1 } } = options;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new UsageError(`batch size ${String(batchSize)} for ${path} is not a positive integer`, {
      fix: 'pass batchSize >= 1',
    });
  }
  if (
    !Number.isSafeInteger(shard.count) ||
    shard.count < 1 ||
    !Number.isSafeInteger(shard.index) ||
    shard.index < 0 ||
    shard.index >= shard.count
  ) {
    throw new UsageError(`shard ${String(shard.index)}/${String(shard.count)} for ${path} is invalid`, {
      fix: 'pass a shard with integer count >= 1 and 0 <= index < count',
    });
  }
  const names = options.columns ?? available;
  const selected = names.map((name) => {
    const at = available.indexOf(name);
    if (at < 0) {
      throw new UsageError(`column '${name}' is not in ${path}`, {
        fix: `choose from: ${available.join(', ')}`,
      });
    }
    return at;
  });
  if (new Set(selected).size !== selected.length) {
    throw new UsageError(`columns [${names.join(', ')}] for ${path} name a column twice`, {
      fix: 'list each column once',
    });
  }
  return { batchSize, shardIndex: shard.index, shardCount: shard.count, selected };
}

/** First row at or after `row` that belongs to the shard. */
export function firstKeptRow(row: number, request: BatchRequest): number {
  const { shardIndex, shardCount } = request;
  const offset = (shardIndex - (row % shardCount) + shardCount) % shardCount;
  return row + offset;
}

/** One-line, bounded rendering of a value from the file for an error message. */
export function quoteValue(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(short);
}
