import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPullRequest, type PullRequest } from '../support/pull-request.js';

// Protocol 0 pickles written by hand; never loaded by anything.
const OS_SYSTEM = Buffer.from("cposix\nsystem\n(S'id'\ntR.", 'latin1');
const EMPTY_DICT = Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]);

/**
 * audit on a pull request, as a runner starts the built action: with no paths it scans only the
 * files the PR changed (base..head from the event) and keeps ONE sticky comment up to date.
 */
describe('audit on pull_request: changed files only, one sticky comment', () => {
  let pr: PullRequest;
  beforeAll(async () => {
    pr = await openPullRequest({
      action: 'audit',
      number: 9,
      inputs: { format: 'json', 'report-file': 'audit.json' },
      // Already on main before the PR: a PR scan must not report it.
      files: { 'models/legacy.pkl': OS_SYSTEM, 'README.md': '# models\n' },
      message: 'init',
      // The runner names the action's own repository and ref; rule links follow them.
      env: { GITHUB_ACTION_REPOSITORY: 'octo-org/modelops-fork', GITHUB_ACTION_REF: 'v1' },
    });
  });
  afterAll(() => pr.close());

  it('reports the changed model in a comment, then updates that comment when the PR is fixed', async () => {
    const first = await pr.run(
      await pr.repo.commit({ 'models/churn/model.pkl': OS_SYSTEM, 'docs/notes.md': 'notes\n' }, 'add churn'),
    );
    expect(first.exitCode, first.stdout + first.stderr).toBe(1);
    const result = JSON.parse(first.outputs.result!);
    expect(result).toMatchObject({
      verdict: 'malicious',
      failed: true,
      changes: { base: pr.base, head: 'HEAD' },
      comment: { action: 'created' },
    });
    expect(result.files.map((f: { path: string }) => f.path)).toEqual(['models/churn/model.pkl']);
    let comments = pr.github.state.commentsOn(9);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body).toContain('<!-- modelops:audit -->');
    expect(body).toContain('1 file(s): 1 malicious.');
    expect(body).toContain(
      '| models/churn/model.pkl | pickle | **malicious** | 1 | PICKLE-DANGEROUS-GLOBAL: posix.system |',
    );
    expect(body).toMatch(
      /\| critical \| \[PICKLE-DANGEROUS-GLOBAL\]\(https?:\/\/[^/]+\/octo-org\/modelops-fork\/blob\/v1\/docs\/actions\/audit\.md#pickle-dangerous-global\) \| models\/churn\/model\.pkl \| @[^|]+ \| .*posix\.system/,
    );
    expect(body).not.toContain('legacy.pkl');

    const second = await pr.run(await pr.repo.commit({ 'models/churn/model.pkl': EMPTY_DICT }, 'fix churn'));
    expect(second.exitCode, second.stdout + second.stderr).toBe(0);
    expect(JSON.parse(second.outputs.result!)).toMatchObject({
      verdict: 'clean',
      failed: false,
      comment: { action: 'updated' },
    });
    comments = pr.github.state.commentsOn(9);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('| models/churn/model.pkl | pickle | **clean** | 0 |');
    expect(comments[0]!.body).not.toContain('malicious');
    expect(second.summary).toContain('### modelops audit');
    pr.github.assertNoViolations();
  });
});
