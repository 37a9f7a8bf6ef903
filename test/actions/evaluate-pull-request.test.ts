import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPullRequest, type PullRequest } from '../support/pull-request.js';
import { linearBinaryCsv, linearModelBytes } from '../support/models.js';

const MODEL = 'models/churn/model.onnx';

const CONFIG = `version: 1
models:
  churn:
    datasets: [churn-eval]
    metrics: [roc_auc, accuracy, f1, latency_p95]
    gates:
      - metric: roc_auc
        max-degradation: '2%'
      - metric: accuracy
        min: 0.6
datasets:
  churn-eval:
    path: data/churn-eval.csv
    label-column: churned
    task: binary
`;

/**
 * The PR loop of evaluate with the built action as a runner starts it: the baseline is the model
 * at the PR's base commit (read from LFS), one sticky comment per model that later pushes update,
 * and a check run per push, green when the gates pass, red (and exit 1) when one fails — all
 * through the stand-in that validates every request against GitHub's OpenAPI description.
 */
describe('evaluate on pull_request: sticky comment, check run, gates', () => {
  let pr: PullRequest;
  beforeAll(async () => {
    pr = await openPullRequest({
      action: 'evaluate',
      number: 12,
      inputs: { model: MODEL },
      lfs: true,
      files: {
        'modelops.yaml': CONFIG,
        'data/churn-eval.csv': linearBinaryCsv({ rows: 1500, seed: 42, label: 'churned' }),
        [MODEL]: linearModelBytes(),
      },
      message: 'churn v1',
      push: true,
    });
  });
  afterAll(() => pr.close());

  it('first push: one comment and a green check; a regression: the same comment, a red check, exit 1', async () => {
    const good = await pr.repo.commit(
      { [MODEL]: linearModelBytes({ weights: [0.11, 0.2, 0.3, 0.4] }) },
      'tweak',
    );
    const first = await pr.run(good);
    expect(first.exitCode, first.stdout).toBe(0);
    expect(first.outputs.verdict).toBe('pass');
    const result = JSON.parse(first.outputs.result!);
    expect(result).toMatchObject({
      name: 'churn',
      dataset: 'churn-eval',
      rows: 1500,
      verdict: 'pass',
      comment: { action: 'created' },
      check: { conclusion: 'success' },
    });
    expect(result.baseline.label).toBe(`${MODEL} at base ${pr.base.slice(0, 12)}`);
    expect(JSON.parse(first.outputs.metrics!).roc_auc).toBeGreaterThan(0.8);
    let comments = pr.github.state.commentsOn(12);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('<!-- modelops:evaluate:churn -->');
    expect(comments[0]!.body).toContain('| metric | baseline | candidate | Δ | Δ % | gate |');
    expect(comments[0]!.body).toMatch(/\| `roc_auc` \| 0\.\d+ \| 0\.\d+ \|/);
    expect(first.summary).toContain('### modelops evaluate: churn — ✅ pass');
    expect(pr.github.state.checkRuns).toHaveLength(1);
    expect(pr.github.state.checkRuns[0]).toMatchObject({
      name: 'modelops evaluate: churn',
      headSha: good,
      status: 'completed',
      conclusion: 'success',
    });

    const bad = await pr.repo.commit(
      { [MODEL]: linearModelBytes({ weights: [0.4, 0.3, -0.2, -0.1] }) },
      'regress',
    );
    const second = await pr.run(bad);
    expect(second.exitCode, second.stdout).toBe(1);
    expect(second.outputs.verdict).toBe('fail');
    expect(JSON.parse(second.outputs.result!).comment.action).toBe('updated');
    comments = pr.github.state.commentsOn(12);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('❌ fail');
    expect(comments[0]!.body).toMatch(/❌ `roc_auc` \(max-degradation\)/);
    expect(pr.github.state.checkRuns).toHaveLength(2);
    expect(pr.github.state.checkRuns[1]).toMatchObject({ headSha: bad, conclusion: 'failure' });
    expect(second.stdout).toMatch(/::error::modelops evaluate: fail/);
    // Each failed gate points at its line of modelops.yaml (7: `- metric: roc_auc`, 9: accuracy),
    // on the check run and as an ::error annotation; the green run had none.
    expect(CONFIG.split('\n')[6]).toBe('      - metric: roc_auc');
    expect(CONFIG.split('\n')[8]).toBe('      - metric: accuracy');
    expect(pr.github.state.checkRuns[0]!.annotations).toEqual([]);
    expect(pr.github.state.checkRuns[1]!.annotations).toEqual([
      expect.objectContaining({
        path: 'modelops.yaml',
        start_line: 7,
        end_line: 7,
        annotation_level: 'failure',
        title: 'churn: gate roc_auc failed',
        message: expect.stringMatching(/^roc_auc .* beyond the allowed degradation/),
      }),
      expect.objectContaining({
        path: 'modelops.yaml',
        start_line: 9,
        annotation_level: 'failure',
        title: 'churn: gate accuracy failed',
        message: expect.stringMatching(/^accuracy 0\.\d+ is below min 0\.6$/),
      }),
    ]);
    expect(second.stdout).toMatch(
      /^::error title=churn%3A gate roc_auc failed,file=modelops\.yaml,line=7::roc_auc .*degradation/m,
    );
    expect(second.stdout).toMatch(
      /^::error title=churn%3A gate accuracy failed,file=modelops\.yaml,line=9::accuracy .* below min 0\.6$/m,
    );
    expect(first.stdout).not.toMatch(/file=modelops\.yaml/);
    pr.github.assertNoViolations();
  });
});
