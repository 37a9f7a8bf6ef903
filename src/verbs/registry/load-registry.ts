import { UsageError } from '../../core/errors.js';
import { computeRegistryState, type RegistryState } from '../../core/registry/events.js';
import { GitError, type Git, type GitTag } from '../../platform/git/index.js';
import type { Logger } from '../../platform/logger.js';

/** The registry as read: the folded state plus the raw tags (for tagger and message). */
export interface LoadedRegistry {
  state: RegistryState;
  tags: ReadonlyMap<string, GitTag>;
  /** The remote whose tags were fetched, when they were. */
  fetchedFrom?: string;
}

/**
 * Reads every tag in one `git for-each-ref` and folds it. With `fetch`, tags come from the remote
 * first (one `git fetch`), so two people asking see the same registry; reading never fails on an
 * unreachable remote — it says so and answers from the local tags.
 */
export async function loadRegistry(
  git: Git,
  options: { remote: string; fetch: boolean },
  logger: Logger,
): Promise<LoadedRegistry> {
  let fetchedFrom: string | undefined;
  if (options.fetch) {
    const remotes = await inRepository(git, () => git.run(['remote']));
    if (remotes.split('\n').some((r) => r.trim() === options.remote)) {
      try {
        await git.fetchTags(options.remote);
        fetchedFrom = options.remote;
      } catch (error) {
        logger.warning(
          `could not fetch tags from ${options.remote}; showing local tags only (${(error as Error).message})`,
        );
      }
    } else {
      logger.debug(`no remote '${options.remote}'; reading local tags`);
    }
  }
  const listing = await inRepository(git, () => git.listTags());
  return {
    state: computeRegistryState(listing),
    tags: new Map(listing.map((t) => [t.name, t])),
    ...(fetchedFrom ? { fetchedFrom } : {}),
  };
}

async function inRepository<T>(git: Git, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof GitError && /not a git repository/i.test(error.stderr)) {
      throw new UsageError(`${git.cwd} is not inside a git repository`, {
        fix: 'run modelops registry in a clone of the repository that holds the registry tags',
      });
    }
    throw error;
  }
}
