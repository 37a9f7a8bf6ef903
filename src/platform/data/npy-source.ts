import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { DatasetSource } from '../../core/data/types.js';
import { arrayBatches, type ArrayColumnSpec } from './array-batches.js';
import { resolveBatchRequest } from './batch-request.js';
import { FileRangeSource } from './byte-source.js';
import { NPY_PREAMBLE_BYTES, npyHeaderBytes, parseNpyHeader, type NpyHeader } from './npy-header.js';
import { BufferPool } from '../buffer-pool.js';

/**
 * Opens an .npy array: one column named after the file stem, rows along axis 0, rowShape the rest
 * of the shape. Data is read with positioned reads, one batch at a time.
 */
export async function openNpy(path: string): Promise<DatasetSource> {
  const name = basename(path).replace(/\.npy$/i, '');
  const { header, size } = await readHeader(path);
  const spec: ArrayColumnSpec = {
    name,
    header,
    open: async () => new FileRangeSource(await open(path, 'r'), header.headerBytes, size, path),
  };
  // Column memory the caller hands back (recycle) is read into again.
  const pool = new BufferPool();
  return {
    path,
    format: 'npy',
    columnNames: async () => [name],
    batches: (options) => arrayBatches([spec], header.rows, resolveBatchRequest(path, options, [name]), pool),
    recycle: (buffer) => pool.release(buffer),
  };
}

async function readHeader(path: string): Promise<{ header: NpyHeader; size: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const preamble = Buffer.alloc(Math.min(NPY_PREAMBLE_BYTES, size));
    await handle.read(preamble, 0, preamble.length, 0);
    const headerBytes = npyHeaderBytes(preamble, path);
    if (headerBytes > size) {
      throw new UsageError(`${path} declares a ${headerBytes}-byte header in a ${size}-byte file`, {
        fix: 'the file is truncated or not an .npy; write it again with numpy.save',
      });
    }
    const bytes = Buffer.alloc(headerBytes);
    await handle.read(bytes, 0, headerBytes, 0);
    const header = parseNpyHeader(bytes, path);
    const needed = header.headerBytes + header.rows * header.rowBytes;
    if (size < needed) {
      throw new UsageError(
        `${path} has ${size} bytes but its header (shape (${header.shape.join(', ')})) needs ${needed}`,
        {
          fix: 'the file is truncated; write it again with numpy.save',
        },
      );
    }
    return { header, size: needed };
  } finally {
    await handle.close();
  }
}
