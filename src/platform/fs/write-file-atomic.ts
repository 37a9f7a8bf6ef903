import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Options for {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** File mode for a new file (default 0o666 minus umask). */
  mode?: number;
}

/**
 * Writes `data` to `path` so readers see either the old file or the complete new one: write a
 * temp file in the same directory (rename is atomic only within one file system), fsync it, then
 * rename over the target. A failure removes the temp file and leaves the target untouched.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx' fails rather than following a planted symlink or clobbering another writer's temp file.
  const handle = await open(temp, 'wx', options.mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

// Makes the rename itself durable across a crash; not supported everywhere (e.g. Windows), so best effort.
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Durability of the directory entry is a bonus; the content is already synced.
  }
}
