import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPullRequest, runBuiltAction } from '../support/action-runner.js';
import { makeRepoWithRemote, type RepoWithRemote } from '../support/git-repo.js';
import { startStandIn, type StandIn } from '../support/github-stand-in/index.js';
import { linearModelBytes } from '../support/models.js';

const MODEL = 'models/churn/model.onnx';

/**
 * The pull-request half of the loop: the built action, as a runner starts it, plans the version
 * (dry run) and keeps ONE sticky comment on the PR up to date through a stand-in that checks every
 * request and response against GitHub's OpenAPI description.
 */
describe('version on pull_request: one sticky comment, validated against the OpenAPI description', () => {
  let repo: RepoWithRemote;
  let github: StandIn;
  let base: string;

  beforeAll(async () => {
    repo = await makeRepoWithRemote({ lfs: true });
    github = await startStandIn({ owner: 'octo-org', repo: 'models' });
    base = await repo.commit({ '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n' }, 'init');
  });
  afterAll(async () => {
    await github.close();
    await repo.cleanup();
  });

  const runOnPr = async (head: string) =>
    runBuiltAction({
      action: 'version',
      workspace: repo.dir,
      ...onPullRequest({ number: 7, head, base }),
      apiUrl: github.url,
      inputs: { 'dry-run': 'true' },
      extraEnv: repo.env,
    });

  it('creates the comment once, then updates it in place on the next push', async () => {
    const first = await runOnPr(await repo.commit({ [MODEL]: linearModelBytes() }, 'add churn'));
    expect(first.exitCode, first.stdout).toBe(0);
    expect(JSON.parse(first.outputs.result!)).toMatchObject({
      tag: 'churn@v1.0.0',
      dryRun: true,
      comment: { action: 'created' },
    });
    let comments = github.state.commentsOn(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('<!-- modelops:version -->');
    expect(comments[0]!.body).toContain('| churn | planned | `churn@v1.0.0` |');

    const second = await runOnPr(
      await repo.commit({ [MODEL]: linearModelBytes({ extraOutput: true }) }, 'add logit'),
    );
    expect(second.exitCode, second.stdout).toBe(0);
    expect(JSON.parse(second.outputs.result!).comment.action).toBe('updated');
    comments = github.state.commentsOn(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('`churn@v1.0.0`'); // still the first version: nothing was registered
    expect(second.summary).toContain('### modelops version (dry run)');
    github.assertNoViolations();
  });
});
