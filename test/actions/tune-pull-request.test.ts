import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltAction } from '../support/action-runner.js';
import { startStandIn, type StandIn } from '../support/github-stand-in/index.js';
import { makeWorkdir, TRAIN_COMMAND } from '../verbs/tune/helpers.js';

/**
 * tune on a pull request: the study's report is ONE sticky comment, updated in place when the
 * study continues (the GitHub stand-in checks every request against GitHub's OpenAPI description).
 */
describe('tune on pull_request: one sticky comment per study', () => {
  let github: StandIn;
  beforeAll(async () => {
    github = await startStandIn({ owner: 'octo-org', repo: 'models' });
  });
  afterAll(async () => {
    await github.close();
  });

  it('creates the comment, then updates it as the study goes on', async () => {
    const repo = makeWorkdir();
    const run = (trials: string) =>
      runBuiltAction({
        action: 'tune',
        workspace: repo,
        eventName: 'pull_request',
        event: {
          action: 'synchronize',
          number: 12,
          pull_request: {
            number: 12,
            head: { sha: 'a'.repeat(40), ref: 'tune' },
            base: { sha: 'b'.repeat(40), ref: 'main' },
          },
        },
        ref: 'refs/pull/12/merge',
        apiUrl: github.url,
        // The runner's own token must not reach the training command (the script exits 9 if it does).
        extraEnv: { ACTIONS_RUNTIME_TOKEN: 'runner-internal' },
        inputs: {
          space: 'space.yaml',
          'train-command': TRAIN_COMMAND,
          metric: 'loss',
          direction: 'minimize',
          sampler: 'random',
          trials,
          parallel: '2',
          study: 'study.jsonl',
        },
      });
    const first = await run('2');
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    const result = JSON.parse(first.outputs.result!) as { study: { id: string }; comment: unknown };
    expect(result.comment).toMatchObject({ action: 'created' });
    let comments = github.state.commentsOn(12);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(`<!-- modelops:tune:${result.study.id} -->`);
    expect(comments[0]!.body).toContain('2 trials — 2 complete, 0 pruned, 0 failed.');
    expect(first.summary).toContain('### modelops tune: loss (minimize)');

    const second = await run('4');
    expect(second.exitCode).toBe(0);
    expect(JSON.parse(second.outputs.result!)).toMatchObject({ comment: { action: 'updated' } });
    comments = github.state.commentsOn(12);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('4 trials — 4 complete, 0 pruned, 0 failed.');
    expect(comments[0]!.body).toContain('```mermaid');
    expect(github.violations).toEqual([]);
  });
});
