/**
 * Streaming sha256 of a file. Kept free of relative imports and non-erasable TypeScript so
 * bench/ can load it directly with Node's type stripping.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Progress callback: bytes hashed so far and the file's size when hashing started. */
export type HashProgress = (done: number, total: number) => void;

/** Options for {@link sha256File}. */
export interface Sha256FileOptions {
  onProgress?: HashProgress;
  /** Read size; 4 MiB keeps syscalls rare without hurting cache locality. */
  chunkSize?: number;
}

/**
 * Hex sha256 of the file at `path` — the LFS oid of its content. Reads into two reused buffers,
 * hashing one while the thread pool fills the other, so disk reads and hashing overlap.
 */
export async function sha256File(path: string, options: Sha256FileOptions = {}): Promise<string> {
  const chunkSize = options.chunkSize ?? 4 * 1024 * 1024;
  const handle = await open(path, 'r');
  let pending: Promise<{ bytesRead: number }> | undefined;
  try {
    const total = (await handle.stat()).size;
    const hash = createHash('sha256');
    const buffers = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
    let position = 0;
    let index = 0;
    pending = handle.read(buffers[0] as Buffer, 0, chunkSize, position);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const current = buffers[index] as Buffer;
      position += bytesRead;
      index ^= 1;
      // Start the next read before hashing: update() is synchronous and would otherwise idle the disk.
      pending = handle.read(buffers[index] as Buffer, 0, chunkSize, position);
      hash.update(current.subarray(0, bytesRead));
      options.onProgress?.(position, total);
    }
    return hash.digest('hex');
  } finally {
    // If onProgress threw mid-file, a read may still be in flight: let it settle before closing.
    await pending?.catch(() => undefined);
    await handle.close();
  }
}
