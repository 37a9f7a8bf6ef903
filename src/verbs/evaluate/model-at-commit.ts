import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { parseLfsPointer, type LfsPointer } from '../../core/registry/lfs-pointer.js';
import type { Git } from '../../platform/git/index.js';

/**
 * The bytes of a model file as committed at `commit`. A plain blob is read directly; an LFS
 * pointer is resolved with `git lfs smudge` (which downloads the object from the remote when the
 * local store lacks it), else with `git lfs fetch` of that one path and a read of the object store.
 * A commit missing from a shallow clone is fetched first.
 */
export async function readModelAtCommit(
  git: Git,
  commit: string,
  path: string,
  remote: { name: string; exists: boolean },
): Promise<Uint8Array> {
  let blob = await git.showFile(commit, path).catch(() => null);
  if (!blob && remote.exists) {
    await git.run(['fetch', '--no-tags', '--depth=1', '--', remote.name, commit]).catch(() => undefined);
    blob = await git.showFile(commit, path).catch(() => null);
  }
  if (!blob) {
    throw new UsageError(`${path} does not exist at commit ${commit.slice(0, 12)}`, {
      fix: 'pass --baseline with a path or version that has the model (or fetch more history: fetch-depth: 0)',
    });
  }
  const pointer = parseLfsPointer(blob);
  if (!pointer) return blob;

  const smudged = await git.runBuffer(['lfs', 'smudge', '--', path], { input: blob }).catch(() => null);
  if (smudged && matches(smudged, pointer)) return smudged;

  if (remote.exists) {
    await git
      .run(['lfs', 'fetch', remote.name, commit, `--include=${path}`, '--exclude='])
      .catch(() => undefined);
  }
  const gitDir = (await git.run(['rev-parse', '--git-common-dir'])).trim();
  const root = isAbsolute(gitDir) ? gitDir : join(git.cwd, gitDir);
  const object = join(root, 'lfs/objects', pointer.oid.slice(0, 2), pointer.oid.slice(2, 4), pointer.oid);
  const stored = await readFile(object).catch(() => null);
  if (stored && matches(stored, pointer)) return stored;
  throw new UsageError(
    `the LFS content of ${path} at ${commit.slice(0, 12)} (sha256 ${pointer.oid.slice(0, 12)}…) is not available`,
    {
      fix: `push it to the LFS remote (git lfs push --all ${remote.name}) or give --baseline as a file path`,
    },
  );
}

function matches(content: Uint8Array, pointer: LfsPointer): boolean {
  return (
    content.length === pointer.size && createHash('sha256').update(content).digest('hex') === pointer.oid
  );
}
