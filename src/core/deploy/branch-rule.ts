/**
 * The branch a deploy runs from, and whether an environment's `requires.branches` globs allow it.
 * Globs: `*` matches within one path segment, `**` across segments (`release/*`, `hotfix/**`).
 */

/** The branch name of a ref such as `refs/heads/main`; undefined for tags, pull-request merges and the like. */
export function branchOfRef(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  if (ref.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length);
  if (ref.startsWith('refs/')) return undefined;
  return ref;
}

/** True when `branch` matches one of `patterns`; an empty list allows any branch. */
export function branchAllowed(branch: string | undefined, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  if (branch === undefined) return false;
  return patterns.some((pattern) => globToRegExp(pattern).test(branch));
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
