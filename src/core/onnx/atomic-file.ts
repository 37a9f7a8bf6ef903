import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A file written under a temporary name in the destination directory and renamed into place on
 * commit, so readers never see half a model and a crash leaves the old file intact. The temporary
 * name sits in the same directory because rename is only atomic within one filesystem.
 */
export interface AtomicFile {
  readonly path: string;
  /** Appends bytes; returns the offset they were written at. */
  write(bytes: Uint8Array): Promise<number>;
  /** Bytes written so far. */
  readonly size: number;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Opens a temporary file that becomes `path` on commit(). */
export async function createAtomicFile(path: string): Promise<AtomicFile> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle: FileHandle = await open(temp, 'wx');
  let size = 0;
  let closed = false;
  const close = async (): Promise<void> => {
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  return {
    path,
    get size() {
      return size;
    },
    async write(bytes) {
      const at = size;
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, done, Math.min(bytes.length - done, 1 << 30));
        done += bytesWritten;
      }
      size += bytes.length;
      return at;
    },
    async commit() {
      await handle.sync();
      await close();
      await rename(temp, path);
    },
    async abort() {
      await close().catch(() => undefined);
      await rm(temp, { force: true });
    },
  };
}

/** Writes one buffer atomically (temp file + rename). */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const file = await createAtomicFile(path);
  try {
    await file.write(bytes);
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
}
