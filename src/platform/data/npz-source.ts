import { open } from 'node:fs/promises';
import { UsageError } from '../../core/errors.js';
import type { DatasetSource } from '../../core/data/types.js';
import { arrayBatches, type ArrayColumnSpec } from './array-batches.js';
import { resolveBatchRequest } from './batch-request.js';
import { FileRangeSource, InflateSource, type ByteSource } from './byte-source.js';
import { NPY_PREAMBLE_BYTES, npyHeaderBytes, parseNpyHeader } from './npy-header.js';
import { memberDataOffset, readZipDirectory, type ZipEntry } from './zip-directory.js';
import { BufferPool } from '../buffer-pool.js';

/**
 * Zip bomb guard: a deflated member may declare at most this many times the size of the whole
 * .npz. Real arrays compress far less (all-zero arrays excepted); stored members are never refused.
 */
export const DEFAULT_MAX_INFLATE_RATIO = 100;

export interface NpzOptions {
  maxInflateRatio?: number;
}

/**
 * Opens an .npz (numpy.savez / savez_compressed): one column per `.npy` member, named without the
 * extension, in archive order; other members are ignored. Every array must have the same first
 * dimension. Stored members are read in place with positioned reads; deflated ones are inflated as
 * a stream (rows of other shards are inflated and dropped), so memory stays at one batch.
 */
export async function openNpz(path: string, options: NpzOptions = {}): Promise<DatasetSource> {
  const maxRatio = options.maxInflateRatio ?? DEFAULT_MAX_INFLATE_RATIO;
  const handle = await open(path, 'r');
  const specs: ArrayColumnSpec[] = [];
  try {
    const { size } = await handle.stat();
    const entries = (await readZipDirectory(handle, size, path)).filter((e) => e.name.endsWith('.npy'));
    if (entries.length === 0) {
      throw new UsageError(`${path} holds no .npy arrays`, { fix: 'write it with numpy.savez' });
    }
    for (const entry of entries) {
      const where = `${path} (member ${entry.name})`;
      checkMember(entry, size, maxRatio, where);
      const dataOffset = await memberDataOffset(handle, entry, size, path);
      const openMember = async (): Promise<ByteSource> =>
        entry.method === 0
          ? new FileRangeSource(await open(path, 'r'), dataOffset, dataOffset + entry.compressedSize, where)
          : new InflateSource(path, dataOffset, entry.compressedSize, entry.uncompressedSize, where);
      const header = await readMemberHeader(await openMember(), entry, where);
      specs.push({
        name: entry.name.slice(0, -'.npy'.length),
        header,
        open: async () => {
          const source = await openMember();
          await source.skip(header.headerBytes);
          return source;
        },
      });
    }
  } finally {
    await handle.close();
  }
  const names = specs.map((s) => s.name);
  if (new Set(names).size !== names.length) {
    throw new UsageError(`${path} has two members with the same name`, {
      fix: 'write it again with numpy.savez',
    });
  }
  const rows = specs[0]!.header.rows;
  if (specs.some((s) => s.header.rows !== rows)) {
    const dims = specs.map((s) => `${s.name}: ${s.header.rows}`).join(', ');
    throw new UsageError(`${path}: arrays differ in their first dimension (${dims})`, {
      fix: 'save arrays with the same number of rows, or open them as separate datasets',
    });
  }
  // Column memory the caller hands back (recycle) is read into again.
  const pool = new BufferPool();
  return {
    path,
    format: 'npz',
    columnNames: async () => [...names],
    batches: (o) => arrayBatches(specs, rows, resolveBatchRequest(path, o, names), pool),
    recycle: (buffer) => pool.release(buffer),
  };
}

function checkMember(entry: ZipEntry, fileSize: number, maxRatio: number, where: string): void {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new UsageError(`${where} uses zip compression method ${entry.method}`, {
      fix: 'write it with numpy.savez or numpy.savez_compressed (stored or deflated members)',
    });
  }
  if (entry.method === 0 && entry.compressedSize !== entry.uncompressedSize) {
    throw new UsageError(`${where} is stored but its sizes disagree`, {
      fix: 'write it again with numpy.savez',
    });
  }
  if (entry.method === 8 && entry.uncompressedSize > fileSize * maxRatio) {
    throw new UsageError(
      `${where} declares ${entry.uncompressedSize} bytes, over ${maxRatio}x the ${fileSize}-byte file; refusing (zip bomb guard)`,
      { fix: 'save it with numpy.savez (uncompressed), or raise maxInflateRatio if you trust the file' },
    );
  }
}

async function readMemberHeader(source: ByteSource, entry: ZipEntry, where: string) {
  try {
    const preamble = new Uint8Array(Math.min(NPY_PREAMBLE_BYTES, entry.uncompressedSize));
    await source.read(preamble, 0, preamble.length);
    const headerBytes = npyHeaderBytes(preamble, where);
    if (headerBytes > entry.uncompressedSize) {
      throw new UsageError(`${where} declares a header longer than the member`, {
        fix: 'write it again with numpy.savez',
      });
    }
    const bytes = new Uint8Array(headerBytes);
    bytes.set(preamble);
    await source.read(bytes, preamble.length, headerBytes - preamble.length);
    const header = parseNpyHeader(bytes, where);
    const needed = header.headerBytes + header.rows * header.rowBytes;
    if (needed !== entry.uncompressedSize) {
      throw new UsageError(
        `${where} holds ${entry.uncompressedSize} bytes but its header (shape (${header.shape.join(', ')})) needs ${needed}`,
        { fix: 'the archive is corrupt; write it again with numpy.savez' },
      );
    }
    return header;
  } finally {
    await source.close();
  }
}
