import { truncateMarkdown } from '../../core/report/markdown.js';
import type { Logger } from '../logger.js';
import type { GitHubClient } from './client.js';
import { listAllPages } from './paginate.js';

/** GitHub rejects issue and PR comment bodies longer than this many characters. */
export const COMMENT_MAX_CHARS = 65_536;

const DEFAULT_FOOTER =
  '\n\n---\n_This report was cut to fit a GitHub comment. The full report is in the job summary of this run._\n';

/** Parameters of {@link upsertStickyComment}. */
export interface StickyCommentParams {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  /** PR or issue number. */
  issueNumber: number;
  /** Identifies the comment among all others, e.g. `evaluate:model-name`. */
  marker: string;
  /** Markdown shown in the comment (the hidden marker line is added in front). */
  body: string;
  logger: Logger;
  /** Only comments by this login count as ours (a human may paste a marker into a reply). */
  author?: string;
  /** Replaces the default "full report is in the job summary" footer of a cut body. */
  truncationFooter?: string;
}

/** What {@link upsertStickyComment} did. */
export interface StickyCommentResult {
  id: number;
  action: 'created' | 'updated';
  /** True when the body was cut to fit {@link COMMENT_MAX_CHARS}. */
  truncated: boolean;
  /** When truncated: the complete, uncut body, for the caller to write to the job summary. */
  overflow?: string;
}

/** The hidden HTML comment that makes a PR comment ours: `<!-- modelops:evaluate:name -->`. */
export function stickyMarkerLine(marker: string): string {
  // `--` would end the HTML comment early and a newline would split the marker line.
  if (!/^[A-Za-z0-9._:/@#=+-]+$/.test(marker) || marker.includes('--')) {
    throw new Error(
      `invalid sticky comment marker ${JSON.stringify(marker)}: use letters, digits and . _ : / @ # = + -`,
    );
  }
  return `<!-- modelops:${marker} -->`;
}

interface ListedComment {
  id: number | bigint;
  body?: string;
  created_at: string;
  user: { login: string } | null;
}

function isOurs(comment: ListedComment, markerLine: string, author: string | undefined): boolean {
  if (author !== undefined && comment.user?.login !== author) return false;
  // A whole-line match: `evaluate:a` must not claim `evaluate:a-b`, nor a quoted `> <!-- … -->`.
  return (comment.body ?? '').split(/\r?\n/).some((line) => line.trim() === markerLine);
}

/**
 * Creates or updates the one comment on a PR that carries `marker`. All comments are listed
 * (every page), so a busy PR cannot hide ours; if an earlier race left several, the newest is
 * updated and the older ones deleted. Bodies over GitHub's cap are cut at a line boundary with a
 * footer, and the full text is returned as `overflow`.
 */
export async function upsertStickyComment(params: StickyCommentParams): Promise<StickyCommentResult> {
  const { octokit, owner, repo, issueNumber, logger } = params;
  const markerLine = stickyMarkerLine(params.marker);
  const fullBody = `${markerLine}\n${params.body}`;
  const cut = truncateMarkdown(fullBody, {
    max: COMMENT_MAX_CHARS,
    footer: params.truncationFooter ?? DEFAULT_FOOTER,
  });
  if (cut.truncated) {
    logger.warning(
      `comment ${params.marker} is ${fullBody.length} characters; cut to fit GitHub's ${COMMENT_MAX_CHARS}`,
    );
  }

  const all: ListedComment[] = await listAllPages(octokit, () =>
    octokit.rest.issues.listComments({ owner, repo, issue_number: issueNumber, per_page: 100 }),
  );
  const ours = all
    .filter((c) => isOurs(c, markerLine, params.author))
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || Number(b.id) - Number(a.id));

  const result = (id: number, action: StickyCommentResult['action']): StickyCommentResult => ({
    id,
    action,
    truncated: cut.truncated,
    ...(cut.truncated ? { overflow: params.body } : {}),
  });

  const [newest, ...duplicates] = ours;
  if (!newest) {
    const { data } = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body: cut.text,
    });
    logger.info(`created comment ${data.html_url}`);
    return result(Number(data.id), 'created');
  }
  // Update before deleting, so the PR never shows zero reports in between.
  const { data } = await octokit.rest.issues.updateComment({
    owner,
    repo,
    comment_id: newest.id,
    body: cut.text,
  });
  logger.info(`updated comment ${data.html_url}`);
  for (const older of duplicates) {
    logger.info(`deleting duplicate comment ${older.id} for ${params.marker}`);
    try {
      await octokit.rest.issues.deleteComment({ owner, repo, comment_id: older.id });
    } catch (error) {
      // A concurrent run may have removed it already; that is the outcome we wanted.
      if ((error as { status?: number }).status !== 404) throw error;
    }
  }
  return result(Number(data.id), 'updated');
}
