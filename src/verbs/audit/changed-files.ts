import { lstat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { GitCli } from '../../platform/git/index.js';
import type { Logger } from '../../platform/logger.js';
import { baseFromEvent } from '../version/find-models.js';
import type { Target } from './find-files.js';

/** The files a pull request (or push) changed, and the range they were taken from. */
export interface ChangedFiles {
  base: string;
  head: string;
  targets: Target[];
}

/**
 * Files added or modified between base (the `base` input, else the event's PR base or push
 * before-sha) and head. Undefined when there is no base, or the base commit is not in the clone
 * (a shallow checkout): the caller then scans the default paths, so a PR is never left unscanned.
 */
export async function changedFiles(options: {
  cwd: string;
  base: string | undefined;
  head: string;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
}): Promise<ChangedFiles | undefined> {
  const base = options.base ?? (await baseFromEvent(options.env));
  // A push that creates a branch has an all-zero before-sha: there is nothing to diff against.
  if (!base || /^0+$/.test(base)) return undefined;
  const git = new GitCli({ cwd: options.cwd });
  try {
    const root = (await git.run(['rev-parse', '--show-toplevel'])).trim();
    const changes = await git.diffNames(base, options.head);
    const targets: Target[] = [];
    for (const change of changes) {
      if (change.status === 'D') continue;
      const path = join(root, change.path);
      const stat = await lstat(path).catch(() => undefined);
      // Symbolic links are not followed (as when walking a directory); sparse checkouts may lack files.
      if (!stat?.isFile()) continue;
      targets.push({ path, display: relative(options.cwd, path), explicit: false });
    }
    return { base, head: options.head, targets };
  } catch (error) {
    options.logger.warning(
      `cannot list the files changed in ${base}..${options.head} (${(error as Error).message.split('\n')[0]}); scanning the default paths instead — fetch-depth: 0 in actions/checkout scans only the change`,
    );
    return undefined;
  }
}
