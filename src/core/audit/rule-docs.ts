/**
 * Where audit's rules are documented. SARIF `helpUri`/`informationUri`, the job summary and the
 * PR comment link here. MODELOPS_REPOSITORY_URL is the one place to change when the project is
 * published or forked; in GitHub Actions the verb links to the action's own repository and ref
 * instead (GITHUB_SERVER_URL + GITHUB_ACTION_REPOSITORY + GITHUB_ACTION_REF), so a fork's rules
 * link to the fork's docs at the version that ran.
 */

/** The modelops repository (placeholder owner until the project is published). */
export const MODELOPS_REPOSITORY_URL = 'https://github.com/OWNER/modelops';

/** The page that lists every rule, with one anchor per rule id (lowercased). */
export const AUDIT_DOC_PATH = 'docs/actions/audit.md';

/** The audit page of a repository at a ref (a branch, a tag such as v1, or a commit). */
export function auditDocsUrl(repositoryUrl: string = MODELOPS_REPOSITORY_URL, ref = 'main'): string {
  return `${repositoryUrl.replace(/\/+$/, '')}/blob/${encodeURI(ref)}/${AUDIT_DOC_PATH}`;
}

/** One rule's entry on the audit page. */
export function ruleDocsUrl(rule: string, docsUrl: string = auditDocsUrl()): string {
  return `${docsUrl}#${rule.toLowerCase()}`;
}
