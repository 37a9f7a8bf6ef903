/**
 * Streaming dataset readers: CSV, JSONL, Parquet, NPY and NPZ files as batches of named columns
 * (src/core/data/types.ts). See openDataset for the batch and shard contract.
 */
export { openDataset, type OpenDatasetOptions } from './open-dataset.js';
export type { BatchOptions } from './batch-request.js';
export { DEFAULT_MAX_INFLATE_RATIO } from './npz-source.js';
