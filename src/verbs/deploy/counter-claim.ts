/**
 * Makes registry counters unique across tag names. Pushing `churn#staging#5` is atomic only for
 * that name: a concurrent `churn#dev#5` would also succeed and two events would share counter 5.
 * So each stage tag is pushed together with a claim ref for its counter,
 * `refs/modelops/counters/<model>#<N>` (pointing at the same tag object), in one `--atomic` push:
 * whoever creates the claim first wins both refs, everyone else loses both and re-plans.
 * The claim namespace is outside refs/tags, so GTO and `git tag` never see it.
 */
import { parseTag } from '../../core/registry/tag-grammar.js';
import { GitError, type Git, type PushTagResult } from '../../platform/git/index.js';

/** The claim ref of one counter of one model. `#` cannot occur in model names, so refs never nest. */
export function counterClaimRef(model: string, counter: number): string {
  return `refs/modelops/counters/${model}#${counter}`;
}

// Rejections that mean "someone else got there first": retry with a fresh registry.
const RACE =
  /already exists|fetch first|non-fast-forward|stale info|failed to update ref|cannot lock ref|unable to create .*\.lock|incorrect old value|atomic transaction failed/i;

/**
 * A Git whose `pushTag` claims the tag's counter atomically and whose `fetchTags` also learns the
 * highest claimed counter of `model` (so a claim whose tag was deleted by hand is never reused).
 */
export function withCounterClaims(git: Git, model: string): { git: Git; claimedMax: () => number } {
  let claimedMax = 0;
  // Delegates every other method to the real Git (its prototype), overriding these two.
  const claiming = Object.create(git) as Git;
  Object.assign(claiming, {
    async fetchTags(remote: string, options?: { force?: boolean; prune?: boolean }) {
      // Claims are listed BEFORE the tags are fetched: a claim and its tag land in one atomic
      // push, so every claim seen here has its tag in the fetch that follows. The other order
      // could see a claim whose tag it missed and plan the next counter from a stale history.
      const prefix = `refs/modelops/counters/${model}#`;
      const listing = await git.run(['ls-remote', '--refs', '--', remote, `${prefix}*`]);
      for (const line of listing.split('\n')) {
        const ref = line.split('\t')[1]?.trim();
        const n = ref?.startsWith(prefix) ? Number(ref.slice(prefix.length)) : NaN;
        if (Number.isSafeInteger(n)) claimedMax = Math.max(claimedMax, n);
      }
      await git.fetchTags(remote, options);
    },
    async pushTag(remote: string, tag: string): Promise<PushTagResult> {
      const counter = parseTag(tag)?.counter;
      if (counter === undefined) return git.pushTag(remote, tag);
      const object = await git.revParse(`refs/tags/${tag}`);
      const args = [
        'push',
        '--porcelain',
        '--atomic',
        '--no-verify',
        '--',
        remote,
        `refs/tags/${tag}:refs/tags/${tag}`,
        `${object}:${counterClaimRef(model, counter)}`,
      ];
      let stdout: string;
      try {
        await git.run(args);
        return { ok: true, status: 'created' };
      } catch (error) {
        if (!(error instanceof GitError)) throw error;
        stdout = error.stdout;
        const rejected = rejections(stdout);
        if (rejected.length === 0) throw error;
        const message = rejected.join('; ');
        // "atomic push failed" marks the refs that fell with another one; the other one says why.
        const causes = rejected.filter((r) => !/atomic push failed/i.test(r));
        const race = causes.length === 0 ? RACE.test(error.stderr) : causes.every((r) => RACE.test(r));
        return { ok: false, reason: race ? 'exists' : 'rejected', message };
      }
    },
  });
  return { git: claiming, claimedMax: () => claimedMax };
}

/** `<ref>: <summary>` of every rejected ref line of `git push --porcelain`. */
function rejections(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([flag, refs]) => flag === '!' && refs !== undefined)
    .map(([, refs, summary = '']) => `${refs!.split(':')[1]}: ${summary}`);
}
