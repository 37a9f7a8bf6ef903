import * as zlib from 'node:zlib';
import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetScan,
  parquetSchema,
  type Compressors,
  type SchemaElement,
} from 'hyparquet';
import { UsageError, isUsageError } from '../../core/errors.js';
import type { Column, ColumnType, DataBatch, DatasetSource } from '../../core/data/types.js';
import { firstKeptRow, resolveBatchRequest, type BatchOptions } from './batch-request.js';

type ScalarType = Exclude<ColumnType, 'uint8'>;

/** hyparquet reads snappy itself; gzip, brotli (and zstd where this Node has it) come from node:zlib. */
const compressors: Compressors = {
  GZIP: (input) => zlib.gunzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
};
const zstd = (zlib as unknown as { zstdDecompressSync?: (input: Uint8Array) => Buffer }).zstdDecompressSync;
if (zstd) compressors.ZSTD = (input) => zstd(input);

/**
 * Opens a Parquet file with hyparquet. Flat columns of BOOLEAN, INT32, INT64, FLOAT, DOUBLE,
 * DECIMAL (→ float64), FLOAT16 (→ float32) and UTF-8 strings are read; nested, list, date and
 * timestamp columns are listed but refused when selected.
 *
 * Limit: hyparquet decodes a whole column chunk at a time, so memory is one row group of the
 * selected columns (plus one batch), not one batch. Write smaller row groups for huge files.
 */
export async function openParquet(path: string): Promise<DatasetSource> {
  const file = await asyncBufferFromFile(path);
  const metadata = await hyparquet(path, () => parquetMetadataAsync(file));
  const leaves = parquetSchema(metadata).children;
  const names = leaves.map((c) => c.element.name);
  return {
    path,
    format: 'parquet',
    columnNames: async () => [...names],
    async *batches(options: BatchOptions): AsyncGenerator<DataBatch> {
      const request = resolveBatchRequest(path, options, names);
      const { batchSize, shardCount } = request;
      const selected = request.selected.map((j) => {
        const leaf = leaves[j]!;
        return { name: names[j]!, type: scalarType(path, leaf.element, leaf.children.length > 0) };
      });
      const scan = await hyparquet(path, () =>
        parquetScan({ file, metadata, columns: selected.map((c) => c.name), compressors }),
      );
      let batch = newBatch(selected, batchSize);
      for (const range of scan.ranges) {
        // One row group of the selected columns at a time.
        const values = await hyparquet(path, () =>
          Promise.all(selected.map((c) => scan.readColumn({ column: c.name, ...range }))),
        );
        const first = firstKeptRow(range.rowStart, request);
        for (let row = first; row < range.rowEnd; row += shardCount) {
          if (batch.rows === 0) batch.start = row;
          for (let c = 0; c < selected.length; c++) {
            store(batch.columns[c]!, batch.rows, values[c]![row - range.rowStart], path, row);
          }
          if (++batch.rows === batchSize) {
            yield batch;
            batch = newBatch(selected, batchSize);
          }
        }
      }
      if (batch.rows > 0) yield trim(batch);
    },
  };
}

function newBatch(columns: { name: string; type: ScalarType }[], capacity: number): DataBatch {
  const data = (type: ScalarType): Column['data'] => {
    switch (type) {
      case 'float32':
        return new Float32Array(capacity);
      case 'float64':
        return new Float64Array(capacity);
      case 'int32':
        return new Int32Array(capacity);
      case 'int64':
        return new BigInt64Array(capacity);
      case 'bool':
        return new Uint8Array(capacity);
      case 'string':
        return new Array<string>(capacity);
    }
  };
  return { start: -1, rows: 0, columns: columns.map((c) => ({ ...c, rowShape: [], data: data(c.type) })) };
}

function trim(batch: DataBatch): DataBatch {
  const columns = batch.columns.map((c) => ({
    ...c,
    data: Array.isArray(c.data) ? c.data.slice(0, batch.rows) : c.data.subarray(0, batch.rows),
  }));
  return { ...batch, columns };
}

function store(column: Column, at: number, value: unknown, path: string, row: number): void {
  if (value === null || value === undefined) {
    if (column.type === 'float32' || column.type === 'float64') {
      (column.data as Float64Array)[at] = NaN;
      return;
    }
    throw new UsageError(`${path}: column '${column.name}' (${column.type}) is null at row ${row}`, {
      fix: 'fill the nulls before writing (pandas: df[col].fillna(...)) or store the column as float',
    });
  }
  switch (column.type) {
    case 'int64':
      (column.data as BigInt64Array)[at] = BigInt(value as bigint | number);
      return;
    case 'bool':
      (column.data as Uint8Array)[at] = value ? 1 : 0;
      return;
    case 'string':
      (column.data as string[])[at] = String(value);
      return;
    default:
      (column.data as Float64Array)[at] = Number(value);
  }
}

/** Our column type for a Parquet leaf, or a UsageError for what we do not read. */
function scalarType(path: string, element: SchemaElement, nested: boolean): ScalarType {
  const annotation = element.logical_type?.type ?? element.converted_type;
  const type = nested || element.repetition_type === 'REPEATED' ? undefined : pickType(element, annotation);
  if (type) return type;
  const what = nested
    ? 'a nested (struct or list) column'
    : `${element.type ?? 'group'}${annotation ? ` ${annotation}` : ''}`;
  throw new UsageError(`${path}: column '${element.name}' is ${what}, which we do not read`, {
    fix: 'store it as a number or string column, or leave it out with columns',
  });
}

function pickType(element: SchemaElement, annotation: string | undefined): ScalarType | undefined {
  if (element.converted_type === 'DECIMAL' || annotation === 'DECIMAL') return 'float64';
  const logical = element.logical_type;
  const unsigned32 =
    annotation === 'UINT_32' || (logical?.type === 'INTEGER' && !logical.isSigned && logical.bitWidth === 32);
  const unsigned64 =
    annotation === 'UINT_64' || (logical?.type === 'INTEGER' && !logical.isSigned && logical.bitWidth === 64);
  const integer =
    annotation === undefined || annotation === 'INTEGER' || /^U?INT_(8|16|32|64)$/.test(annotation);
  switch (element.type) {
    case 'BOOLEAN':
      return annotation === undefined ? 'bool' : undefined;
    case 'INT32':
      // uint32 does not fit an int32; a double holds it exactly.
      return unsigned32 ? 'float64' : integer ? 'int32' : undefined;
    case 'INT64':
      return unsigned64 ? undefined : integer ? 'int64' : undefined;
    case 'FLOAT':
      return 'float32';
    case 'DOUBLE':
      return 'float64';
    case 'FIXED_LEN_BYTE_ARRAY':
      return annotation === 'FLOAT16' ? 'float32' : undefined;
    case 'BYTE_ARRAY':
      return annotation === undefined || ['STRING', 'UTF8', 'ENUM'].includes(annotation)
        ? 'string'
        : undefined;
    default:
      return undefined;
  }
}

/** hyparquet throws plain Errors for corrupt or unsupported files; those are the user's to fix. */
async function hyparquet<T>(path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUsageError(error)) throw error;
    throw new UsageError(`${path} cannot be read as Parquet: ${(error as Error).message.split('\n')[0]}`, {
      fix: 'check that it is a Parquet file (snappy, gzip, brotli or no compression)',
      cause: error,
    });
  }
}
