import type { Column, DataBatch } from '../../core/data/types.js';
import type { BufferPool } from '../buffer-pool.js';
import type { BatchRequest } from './batch-request.js';
import type { ByteSource } from './byte-source.js';
import { allocateElements, toHostOrder, type NpyHeader } from './npy-header.js';

/** One array of an .npy or .npz, opened at the first byte of its data. */
export interface ArrayColumnSpec {
  name: string;
  header: NpyHeader;
  open(): Promise<ByteSource>;
}

/**
 * Batches along axis 0 of arrays that share their row count, reading only the shard's rows
 * (other rows are skipped: a seek for plain files, inflated and dropped for deflated members).
 */
export async function* arrayBatches(
  specs: ArrayColumnSpec[],
  rows: number,
  request: BatchRequest,
  pool?: BufferPool,
): AsyncGenerator<DataBatch> {
  const { batchSize, shardIndex, shardCount } = request;
  const chosen = request.selected.map((j) => specs[j]!);
  const kept = rows > shardIndex ? Math.floor((rows - 1 - shardIndex) / shardCount) + 1 : 0;
  const sources: ByteSource[] = [];
  try {
    for (const spec of chosen) {
      const source = await spec.open();
      sources.push(source);
      await source.skip(shardIndex * spec.header.rowBytes);
    }
    for (let done = 0; done < kept;) {
      const n = Math.min(batchSize, kept - done);
      const last = done + n === kept;
      const columns = await Promise.all(
        chosen.map((spec, c) => readRows(sources[c]!, spec, n, shardCount, last, pool)),
      );
      yield { start: shardIndex + done * shardCount, rows: n, columns };
      done += n;
    }
  } finally {
    await Promise.all(sources.map((s) => s.close()));
  }
}

async function readRows(
  source: ByteSource,
  spec: ArrayColumnSpec,
  rows: number,
  stride: number,
  last: boolean,
  pool: BufferPool | undefined,
): Promise<Column> {
  const { dtype, rowShape, rowBytes } = spec.header;
  const data = allocateElements(dtype, (rows * rowBytes) / dtype.itemSize, pool);
  const bytes = new Uint8Array(data.buffer);
  if (stride === 1) {
    await source.read(bytes, 0, rows * rowBytes);
  } else {
    for (let i = 0; i < rows; i++) {
      await source.read(bytes, i * rowBytes, rowBytes);
      if (!last || i < rows - 1) await source.skip((stride - 1) * rowBytes);
    }
  }
  toHostOrder(data, dtype);
  return { name: spec.name, type: dtype.type, rowShape, data };
}
