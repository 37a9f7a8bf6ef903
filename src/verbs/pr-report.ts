import { upsertStickyComment } from '../platform/github/sticky-comment.js';
import type { VerbDeps } from './types.js';

/**
 * Posts (or updates in place) the one sticky comment of `marker` on the run's pull request.
 * Returns the full text when the comment had to be cut, so the caller puts it in the job summary.
 * Outside a pull request, or without a token, it does nothing.
 */
export async function postPullRequestReport(
  deps: VerbDeps,
  marker: string,
  markdown: string,
): Promise<{ commentId: number; action: 'created' | 'updated'; overflow?: string } | undefined> {
  const pr = deps.github?.context.pullRequest;
  if (!deps.github || !pr) return undefined;
  const { client, context } = deps.github;
  const result = await upsertStickyComment({
    octokit: client,
    owner: context.owner,
    repo: context.repo,
    issueNumber: pr.number,
    marker,
    body: markdown,
    logger: deps.logger,
  });
  deps.logger.info(`pull request #${pr.number}: ${result.action} comment ${result.id}`);
  return {
    commentId: result.id,
    action: result.action,
    ...(result.overflow ? { overflow: result.overflow } : {}),
  };
}
