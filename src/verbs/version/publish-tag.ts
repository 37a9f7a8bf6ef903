import { UsageError } from '../../core/errors.js';
import { computeRegistryState, type RegistryState } from '../../core/registry/events.js';
import type { Git } from '../../platform/git/index.js';
import type { Logger } from '../../platform/logger.js';

/** How many times a run that lost a push race re-plans with the next free version. */
export const MAX_PUSH_ATTEMPTS = 20;

/**
 * Reads the registry as the remote sees it. Tags are fetched whenever the remote exists, dry runs
 * included: a shallow CI clone has no tags, and planning from none would propose v1.0.0 again.
 * A failed fetch is fatal only when we are about to push.
 */
export async function readRegistry(
  git: Git,
  remote: { name: string; exists: boolean; required: boolean },
  logger?: Logger,
): Promise<RegistryState> {
  if (remote.exists) {
    try {
      await git.fetchTags(remote.name);
    } catch (error) {
      if (remote.required) {
        throw new UsageError(`cannot fetch tags from ${remote.name}: ${(error as Error).message}`, {
          fix: 'check the remote URL and credentials; version needs the remote registry before it pushes',
        });
      }
      logger?.warning(`could not fetch tags from ${remote.name}; planning from local tags only`);
    }
  }
  return computeRegistryState(await git.listTags());
}

export async function hasRemote(git: Git, remote: string): Promise<boolean> {
  const remotes = (await git.run(['remote'])).split('\n').map((r) => r.trim());
  return remotes.includes(remote);
}

/**
 * Creates the annotated tag and, when asked, pushes it. Pushing a tag that does not exist yet is
 * atomic on the remote, so of two concurrent runs exactly one wins; the loser re-reads the
 * registry and tries again with whatever version is free then. A failed run deletes its local tag,
 * so nothing half-made is left behind.
 */
export async function publishTag(options: {
  git: Git;
  logger: Logger;
  target: string;
  push: boolean;
  remote: { name: string; exists: boolean };
  /** Builds tag name and message from a fresh registry state; called again after a lost race. */
  plan: (state: RegistryState) => { tag: string; message: string; target?: string } | null;
  /** A state the caller has just read; the first attempt uses it instead of fetching again. */
  initialState?: RegistryState;
}): Promise<{ tag: string; pushed: boolean; attempts: number } | null> {
  const { git, logger } = options;
  for (let attempt = 1; attempt <= MAX_PUSH_ATTEMPTS; attempt++) {
    const state =
      attempt === 1 && options.initialState
        ? options.initialState
        : await readRegistry(git, { ...options.remote, required: options.push }, logger);
    const next = options.plan(state);
    if (!next) return null;
    try {
      await git.createAnnotatedTag(next.tag, next.target ?? options.target, next.message);
    } catch (error) {
      // Only a local tag the remote does not have can collide here (remote ones were just fetched).
      throw new UsageError(`cannot create tag ${next.tag}: ${(error as Error).message}`, {
        fix: `a local tag of that name exists; inspect it with git show ${next.tag} and delete it (git tag -d ${next.tag}) if it is stale`,
      });
    }
    if (!options.push) return { tag: next.tag, pushed: false, attempts: attempt };
    let result;
    try {
      result = await git.pushTag(options.remote.name, next.tag);
    } catch (error) {
      await git.deleteLocalTag(next.tag);
      throw new UsageError(
        `pushing ${next.tag} to ${options.remote.name} failed: ${(error as Error).message}`,
        {
          fix: 'check the remote URL and that the token may write (permissions: contents: write)',
        },
      );
    }
    if (result.ok) return { tag: next.tag, pushed: true, attempts: attempt };
    await git.deleteLocalTag(next.tag);
    // Two pushes creating the same ref at once: the loser sees a lock failure, not "already exists".
    const lockContention = /failed to update ref|cannot lock ref|unable to create .*\.lock/i.test(
      result.message,
    );
    if (result.reason !== 'exists' && !lockContention) {
      throw new UsageError(`${options.remote.name} rejected ${next.tag}: ${result.message}`, {
        fix: 'check branch/tag protection rules and the token permissions (contents: write)',
      });
    }
    logger.info(
      `${next.tag} was taken by a concurrent run; re-reading the registry (attempt ${attempt + 1})`,
    );
    // Jitter spreads the losers out so they do not collide again on the next version.
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80 * attempt));
  }
  throw new UsageError(
    `gave up after ${MAX_PUSH_ATTEMPTS} attempts to push a version tag: others kept winning the race`,
    {
      fix: 'run version again once concurrent runs have finished',
    },
  );
}
