/**
 * Tabular and tensor data as evaluate (and later optimize and tune) consume it: batches of named
 * columns, streamed, so a file larger than memory still evaluates. Readers live in
 * src/platform/data (they touch the file system); this is the shape they hand over.
 */

export type DataFormat = 'csv' | 'jsonl' | 'parquet' | 'npy' | 'npz';

/** Element types a column can hold. Numbers missing in the file are NaN in float columns. */
export type ColumnType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool' | 'string';

export type ColumnData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | string[];

/**
 * One column of a batch. Tabular columns are scalars per row (`rowShape: []`); NPY/NPZ arrays keep
 * the per-row shape (an image column of [3, 32, 32]), stored row-major in `data`.
 */
export interface Column {
  name: string;
  type: ColumnType;
  rowShape: number[];
  data: ColumnData;
}

export interface DataBatch {
  /** Index of the first row of this batch in the whole file (before sharding). */
  start: number;
  rows: number;
  columns: Column[];
}

/** Rows where `row % count === index` belong to shard `index` (0-based): a streaming partition. */
export interface Shard {
  index: number;
  count: number;
}

export interface DatasetSource {
  path: string;
  format: DataFormat;
  /** Column names in file order (NPY: one column named after the file stem; NPZ: one per array). */
  columnNames(): Promise<string[]>;
  batches(options: {
    batchSize: number;
    shard?: Shard;
    columns?: readonly string[];
  }): AsyncIterable<DataBatch>;
  /**
   * Hands back the memory of an earlier batch's column that nothing references any more (every
   * view of it given up), so the reader can fill it again instead of mapping fresh memory. Optional:
   * readers that cannot reuse memory leave it out.
   */
  recycle?(buffer: ArrayBuffer): void;
}
