import type { RepoRef } from './checks.js';

/** GitHub rejects commit status descriptions longer than this. */
export const STATUS_DESCRIPTION_MAX_CHARS = 140;

/** Parameters of {@link createCommitStatus}. */
export interface CommitStatusParams extends RepoRef {
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  /** Groups statuses: a new status with the same context replaces the old one on the commit. */
  context: string;
  /** Cut to 140 characters (GitHub rejects longer ones). */
  description?: string;
  targetUrl?: string;
}

/** Sets a commit status; returns its id. */
export async function createCommitStatus(params: CommitStatusParams): Promise<{ id: number }> {
  const { data } = await params.octokit.rest.repos.createCommitStatus({
    owner: params.owner,
    repo: params.repo,
    sha: params.sha,
    state: params.state,
    context: params.context,
    ...(params.description !== undefined ? { description: truncateDescription(params.description) } : {}),
    ...(params.targetUrl !== undefined ? { target_url: params.targetUrl } : {}),
  });
  return { id: data.id };
}

/** Cuts a status description to 140 characters, ending with an ellipsis when cut. */
export function truncateDescription(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const chars = [...oneLine];
  if (chars.length <= STATUS_DESCRIPTION_MAX_CHARS) return oneLine;
  return `${chars.slice(0, STATUS_DESCRIPTION_MAX_CHARS - 1).join('')}…`;
}
