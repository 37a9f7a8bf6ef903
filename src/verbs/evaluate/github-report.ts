import { createCheckRun, type CheckAnnotation } from '../../platform/github/checks.js';
import { postPullRequestReport } from '../pr-report.js';
import type { VerbDeps } from '../types.js';
import type { Verdict } from './gates.js';

/** What was posted to GitHub for one model. */
export interface GitHubReport {
  comment?: { id: number; action: 'created' | 'updated' };
  check?: { id: number; conclusion: 'success' | 'failure' };
  /** The full report when the comment had to be cut. */
  overflow?: string;
}

/**
 * One sticky comment per model on the pull request (marker `evaluate:<name>`), and a check run
 * per model on the head commit, red when a gate failed. A token without `checks: write` only
 * loses the check (with a warning); the comment and the exit code still carry the verdict.
 * `annotations` put failed gates on their lines of modelops.yaml in the check run.
 */
export async function reportToGitHub(
  deps: VerbDeps,
  name: string,
  verdict: Verdict,
  markdown: string,
  annotations: readonly CheckAnnotation[] = [],
): Promise<GitHubReport> {
  if (!deps.github) return {};
  const posted = await postPullRequestReport(deps, `evaluate:${name}`, markdown);
  const { client, context } = deps.github;
  const conclusion = verdict === 'fail' ? 'failure' : 'success';
  let check: GitHubReport['check'];
  try {
    const run = await createCheckRun({
      octokit: client,
      owner: context.owner,
      repo: context.repo,
      name: `modelops evaluate: ${name}`,
      headSha: context.pullRequest?.headSha ?? context.sha,
      status: 'completed',
      conclusion,
      ...(context.runUrl ? { detailsUrl: context.runUrl } : {}),
      output: {
        title: `${name}: ${verdict}`,
        summary: markdown,
        ...(annotations.length > 0 ? { annotations } : {}),
      },
    });
    check = { id: run.id, conclusion };
  } catch (error) {
    deps.logger.warning(
      `could not create the check run for ${name} (${(error as Error).message}); grant the job permissions: checks: write`,
    );
  }
  return {
    ...(posted ? { comment: { id: posted.commentId, action: posted.action } } : {}),
    ...(check ? { check } : {}),
    ...(posted?.overflow ? { overflow: posted.overflow } : {}),
  };
}
