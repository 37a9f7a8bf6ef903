/**
 * Serving targets committed to a GitOps branch instead of the working tree. Objects are written
 * with plumbing into a private index (GIT_INDEX_FILE), so the user's checkout and index are never
 * touched: preparing (blobs, tree, commit) happens before the stage tag, and publishing is one ref
 * update — a push that only fast-forwards, so a concurrent render is rebased onto, never lost.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { RenderedUnit } from '../../core/deploy/targets/render-targets.js';
import { UsageError } from '../../core/errors.js';
import type { Git } from '../../platform/git/index.js';

export interface BranchPlace {
  git: Git;
  remote: { name: string; exists: boolean };
  push: boolean;
  branch: string;
  /** GitOps directory inside the branch. */
  dir: string;
}

export interface PreparedCommit {
  commit: string;
  parent: string | null;
  paths: string[];
}

const ATTEMPTS = 8;

/** The branch tip: the remote's when pushing (fetched), else the local branch; null if it does not exist. */
async function branchTip(place: BranchPlace): Promise<string | null> {
  const { git, remote, branch } = place;
  if (place.push && remote.exists) {
    const listing = await git.run(['ls-remote', '--heads', '--', remote.name, `refs/heads/${branch}`]);
    const sha = listing.split('\t')[0]?.trim();
    if (!sha) return null;
    await git.run(['fetch', '-q', '--no-tags', '--', remote.name, sha]);
    return sha;
  }
  return git.revParse(`refs/heads/${branch}^{commit}`).catch(() => null);
}

/** Builds the commit that replaces the units (or, with `remove`, deletes them) on top of the tip. */
export async function prepareBranchCommit(
  place: BranchPlace,
  units: readonly RenderedUnit[],
  tag: string | null,
  options: { remove?: boolean } = {},
): Promise<PreparedCommit> {
  const { git } = place;
  const index = join(tmpdir(), `modelops-render-${randomBytes(6).toString('hex')}.index`);
  const env = { GIT_INDEX_FILE: index };
  try {
    const parent = await branchTip(place);
    await git.run(parent ? ['read-tree', parent] : ['read-tree', '--empty'], { env });
    const paths: string[] = [];
    for (const unit of units) {
      const base = posix.join(place.dir, unit.path);
      await git.run(['rm', '--cached', '-r', '-q', '--ignore-unmatch', '--', base], { env });
      paths.push(`${place.branch}:${base}`);
      if (options.remove) continue;
      for (const [file, content] of Object.entries(unit.files)) {
        const blob = (await git.run(['hash-object', '-w', '--stdin'], { input: content })).trim();
        const path = unit.kind === 'file' ? base : posix.join(base, file);
        await git.run(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], { env });
      }
    }
    const tree = (await git.run(['write-tree'], { env })).trim();
    const message = `${options.remove ? 'Remove' : 'Render'} serving targets${tag ? ` for ${tag}` : ''}`;
    const commit = (
      await git.run(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', message])
    ).trim();
    return { commit, parent, paths };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `cannot prepare the serving targets on branch ${place.branch}: ${(error as Error).message}`,
      {
        fix: 'check that the repository is writable and the branch name is valid (render.branch); nothing was tagged',
      },
    );
  } finally {
    await rm(index, { force: true });
  }
}

/**
 * Moves the branch to the prepared commit: pushed fast-forward only when pushing (a concurrent
 * render in between is rebased onto by preparing again), else a local compare-and-swap ref update.
 */
export async function commitOnBranch(
  place: BranchPlace,
  prepared: PreparedCommit,
  units: () => readonly RenderedUnit[],
  tag: string | null,
  options: { remove?: boolean } = {},
): Promise<string[]> {
  const { git, branch } = place;
  let current = prepared;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (!place.push || !place.remote.exists) {
      await git.run(['update-ref', `refs/heads/${branch}`, current.commit, current.parent ?? '0'.repeat(40)]);
      return current.paths;
    }
    try {
      await git.run(['push', '-q', '--', place.remote.name, `${current.commit}:refs/heads/${branch}`]);
      await git
        .run(['update-ref', `refs/remotes/${place.remote.name}/${branch}`, current.commit])
        .catch(() => undefined);
      return current.paths;
    } catch (error) {
      if (!/non-fast-forward|fetch first|rejected|stale info|cannot lock ref/i.test((error as Error).message))
        throw new UsageError(`pushing the serving targets to ${branch} failed: ${(error as Error).message}`, {
          fix: `the stage tag ${tag ?? ''} is written; re-run deploy to render again, and check the token may push to ${branch} (contents: write)`,
        });
      current = await prepareBranchCommit(place, units(), tag, options);
    }
  }
  throw new UsageError(`gave up pushing the serving targets to ${branch}: others kept moving it`, {
    fix: 're-run deploy; it re-renders what the environment holds',
  });
}
