import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces directory `path` with one holding exactly `files` (relative paths → content), so a
 * reader (Argo CD, Flux, Triton's repository poller) sees the old tree or the new one: the new tree
 * is written beside it, then swapped in by two renames. A failure leaves the old tree in place.
 */
export async function replaceTree(path: string, files: Record<string, string | Uint8Array>): Promise<void> {
  const parent = dirname(path);
  const tag = `${process.pid}.${randomBytes(6).toString('hex')}`;
  const fresh = join(parent, `.${basename(path)}.${tag}.new`);
  const old = join(parent, `.${basename(path)}.${tag}.old`);
  await mkdir(parent, { recursive: true });
  try {
    for (const [file, content] of Object.entries(files)) {
      await mkdir(dirname(join(fresh, file)), { recursive: true });
      await writeFile(join(fresh, file), content);
    }
    const hadOld = await rename(path, old).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    try {
      await rename(fresh, path);
    } catch (error) {
      if (hadOld) await rename(old, path);
      throw error;
    }
    if (hadOld) await rm(old, { recursive: true, force: true });
  } finally {
    await rm(fresh, { recursive: true, force: true });
  }
}
