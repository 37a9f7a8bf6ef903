import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPullRequest, type PullRequest } from '../support/pull-request.js';
import { linearModelBytes } from '../support/models.js';

const MODEL = 'models/churn/model.onnx';

/**
 * The pull-request half of the loop: the built action, as a runner starts it, plans the version
 * (dry run) and keeps ONE sticky comment on the PR up to date through a stand-in that checks every
 * request and response against GitHub's OpenAPI description.
 */
describe('version on pull_request: one sticky comment, validated against the OpenAPI description', () => {
  let pr: PullRequest;
  beforeAll(async () => {
    pr = await openPullRequest({
      action: 'version',
      number: 7,
      inputs: { 'dry-run': 'true' },
      lfs: true,
      files: {},
      message: 'init',
    });
  });
  afterAll(() => pr.close());

  it('creates the comment once, then updates it in place on the next push', async () => {
    const first = await pr.run(await pr.repo.commit({ [MODEL]: linearModelBytes() }, 'add churn'));
    expect(first.exitCode, first.stdout).toBe(0);
    expect(JSON.parse(first.outputs.result!)).toMatchObject({
      tag: 'churn@v1.0.0',
      dryRun: true,
      comment: { action: 'created' },
    });
    let comments = pr.github.state.commentsOn(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('<!-- modelops:version -->');
    expect(comments[0]!.body).toContain('| churn | planned | `churn@v1.0.0` |');

    const second = await pr.run(
      await pr.repo.commit({ [MODEL]: linearModelBytes({ extraOutput: true }) }, 'add logit'),
    );
    expect(second.exitCode, second.stdout).toBe(0);
    expect(JSON.parse(second.outputs.result!).comment.action).toBe('updated');
    comments = pr.github.state.commentsOn(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('`churn@v1.0.0`'); // still the first version: nothing was registered
    expect(second.summary).toContain('### modelops version (dry run)');
    pr.github.assertNoViolations();
  });
});
