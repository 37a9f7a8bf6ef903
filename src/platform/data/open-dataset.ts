import { stat } from 'node:fs/promises';
import { UsageError } from '../../core/errors.js';
import type { DataFormat, DatasetSource } from '../../core/data/types.js';
import { openCsv } from './csv-source.js';
import { openJsonl } from './jsonl-source.js';
import { openNpy } from './npy-source.js';
import { openNpz } from './npz-source.js';
import { openParquet } from './parquet-source.js';

export interface OpenDatasetOptions {
  /** The file's format; by default from its extension. */
  format?: DataFormat;
  /** NPZ zip bomb guard: a deflated member may declare at most this many times the file's size (default 100). */
  maxInflateRatio?: number;
}

const FORMATS: readonly DataFormat[] = ['csv', 'jsonl', 'parquet', 'npy', 'npz'];
const EXTENSIONS: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.npy': 'npy',
  '.npz': 'npz',
};

/**
 * Opens a dataset file for streaming: reads its header/metadata now (so a bad file fails here),
 * its rows only as `batches()` is iterated. Every reader shares the batch contract:
 *
 * - `batchSize` rows per batch (the last may be shorter); `columns` picks and orders columns.
 * - `shard: { index, count }` keeps rows with `row % count === index`, so shards 0..count-1
 *   partition the file. A sharded batch's `start` is the file index of its first row; its rows are
 *   the file rows start, start + count, start + 2·count, …
 * - Row indices count data rows only (no CSV header, no blank lines).
 */
export async function openDataset(path: string, options: OpenDatasetOptions = {}): Promise<DatasetSource> {
  const format = options.format ?? formatFromPath(path);
  if (!FORMATS.includes(format)) {
    throw new UsageError(`dataset format '${String(format)}' is not one we read`, {
      fix: `use one of ${FORMATS.join(', ')}`,
    });
  }
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    throw new UsageError(`dataset ${path} ${info ? 'is not a file' : 'does not exist'}`, {
      fix: 'check the path (relative paths are from the working directory)',
    });
  }
  switch (format) {
    case 'csv':
      return openCsv(path);
    case 'jsonl':
      return openJsonl(path);
    case 'parquet':
      return openParquet(path);
    case 'npy':
      return openNpy(path);
    case 'npz':
      return openNpz(path, { maxInflateRatio: options.maxInflateRatio });
  }
}

function formatFromPath(path: string): DataFormat {
  const lower = path.toLowerCase();
  const extension = Object.keys(EXTENSIONS).find((ext) => lower.endsWith(ext));
  if (!extension) {
    throw new UsageError(`cannot tell the format of dataset ${path} from its extension`, {
      fix: `name it .csv, .jsonl, .ndjson, .parquet, .npy or .npz, or pass the format (${FORMATS.join(', ')})`,
    });
  }
  return EXTENSIONS[extension]!;
}
