import { auditDocsUrl } from '../../core/audit/rule-docs.js';

/**
 * The audit rules page for this run: in GitHub Actions the repository and ref of the action that
 * is running (a fork links to its own docs, `@v1` to the v1 docs); elsewhere the project's
 * repository (MODELOPS_REPOSITORY_URL in src/core/audit/rule-docs.ts).
 */
export function auditDocsFor(env: Readonly<Record<string, string | undefined>>): string {
  const repository = env.GITHUB_ACTION_REPOSITORY?.trim();
  if (!repository || !/^[\w.-]+\/[\w.-]+$/.test(repository)) return auditDocsUrl();
  const server = (env.GITHUB_SERVER_URL?.trim() || 'https://github.com').replace(/\/+$/, '');
  return auditDocsUrl(`${server}/${repository}`, env.GITHUB_ACTION_REF?.trim() || 'main');
}
