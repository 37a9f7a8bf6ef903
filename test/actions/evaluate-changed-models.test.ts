import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPullRequest, type PullRequest } from '../support/pull-request.js';
import { linearBinaryCsv, linearModelBytes } from '../support/models.js';

const CHURN = 'models/churn/model.onnx';
const FRAUD = 'models/fraud/model.onnx';

const CONFIG = `version: 1
models:
  churn:
    datasets: [eval]
    gates:
      - metric: accuracy
        min: 0.6
  fraud:
    datasets: [eval]
    gates:
      - metric: accuracy
        min: 0.6
datasets:
  eval:
    path: data/eval.csv
    label-column: label
    task: binary
`;

/**
 * With no `model` input, the built action evaluates every model the pull request changes: one
 * sticky comment and one check run per model, the worst verdict as the step's; a later push that
 * changes one model updates that model's comment only.
 */
describe('evaluate on pull_request: every changed model', () => {
  let pr: PullRequest;
  beforeAll(async () => {
    pr = await openPullRequest({
      action: 'evaluate',
      number: 21,
      lfs: true,
      files: {
        'modelops.yaml': CONFIG,
        'data/eval.csv': linearBinaryCsv({ rows: 600, seed: 7 }),
        [CHURN]: linearModelBytes(),
        [FRAUD]: linearModelBytes(),
      },
      message: 'two models',
      push: true,
    });
  });
  afterAll(() => pr.close());

  it('two changed models: two comments, two checks, the worst verdict; the next push updates both comments in place', async () => {
    const both = await pr.repo.commit(
      {
        [CHURN]: linearModelBytes({ weights: [0.11, 0.2, 0.3, 0.4] }),
        [FRAUD]: linearModelBytes({ weights: [0.4, 0.3, -0.2, -0.1] }),
      },
      'retrain both; fraud regresses',
    );
    const first = await pr.run(both);
    expect(first.exitCode, first.stdout).toBe(1);
    expect(first.outputs.verdict).toBe('fail');
    const result = JSON.parse(first.outputs.result!) as {
      models: { name: string; model: string; verdict: string; comment: { action: string } }[];
      verdict: string;
    };
    expect(result.verdict).toBe('fail');
    expect(result.models.map((m) => [m.name, m.model, m.verdict, m.comment.action])).toEqual([
      ['churn', CHURN, 'pass', 'created'],
      ['fraud', FRAUD, 'fail', 'created'],
    ]);
    expect(Object.keys(JSON.parse(first.outputs.metrics!) as object)).toEqual(['churn', 'fraud']);
    let comments = pr.github.state.commentsOn(21);
    expect(comments.map((c) => c.body.match(/<!-- modelops:evaluate:(\w+) -->/)?.[1])).toEqual([
      'churn',
      'fraud',
    ]);
    expect(pr.github.state.checkRuns.map((r) => [r.name, r.conclusion])).toEqual([
      ['modelops evaluate: churn', 'success'],
      ['modelops evaluate: fraud', 'failure'],
    ]);
    expect(first.summary).toContain('modelops evaluate: churn');
    expect(first.summary).toContain('modelops evaluate: fraud');

    const fixed = await pr.repo.commit(
      { [FRAUD]: linearModelBytes({ weights: [0.1, 0.21, 0.3, 0.4] }) },
      'fix fraud',
    );
    const fraudBefore = comments[1]!.body;
    const second = await pr.run(fixed);
    expect(second.exitCode, second.stdout).toBe(0);
    // base..HEAD still holds both models' changes: both are evaluated again, both comments updated in place.
    const again = JSON.parse(second.outputs.result!) as {
      models: { name: string; comment: { action: string } }[];
    };
    expect(again.models.map((m) => [m.name, m.comment.action])).toEqual([
      ['churn', 'updated'],
      ['fraud', 'updated'],
    ]);
    comments = pr.github.state.commentsOn(21);
    expect(comments).toHaveLength(2);
    expect(comments[1]!.body).not.toBe(fraudBefore);
    expect(comments[1]!.body).toContain('✅ pass');
    expect(pr.github.state.checkRuns).toHaveLength(4);
    pr.github.assertNoViolations();
  });
});
