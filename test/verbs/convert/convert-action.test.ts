import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPullRequest, runBuiltAction } from '../../support/action-runner.js';
import { makeRepoWithRemote, type RepoWithRemote } from '../../support/git-repo.js';
import { startStandIn, type StandIn } from '../../support/github-stand-in/index.js';
import { makeXgboostDocument, stump } from '../../core/convert/xgboost-factory.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The built convert action on a pull request: the parity report lands in the outputs, the job
 * summary and one sticky PR comment per converted model (updated in place on the next push).
 */
describe('convert action on pull_request: parity report in summary and PR comment', () => {
  let repo: RepoWithRemote;
  let github: StandIn;
  let base: string;
  const rows = [
    [0, 1],
    [1, 0],
    [0.2, 0.9],
  ];
  const doc = makeXgboostDocument({ trees: [stump(0, 0.5, -1, 1)] });
  const expected = rows.map(([a]) => sigmoid(a! < 0.5 ? -1 : 1));

  beforeAll(async () => {
    repo = await makeRepoWithRemote();
    github = await startStandIn({ owner: 'octo-org', repo: 'models' });
    base = await repo.commit({ 'README.md': '# models\n' }, 'init');
  });
  afterAll(async () => {
    await github.close();
    await repo.cleanup();
  });

  const runOnPr = async (head: string) =>
    runBuiltAction({
      action: 'convert',
      workspace: repo.dir,
      ...onPullRequest({ number: 4, head, base }),
      apiUrl: github.url,
      inputs: {
        from: 'xgboost',
        input: 'training/model.json',
        output: 'models/churn/model.onnx',
        'parity-data': 'training/x.csv',
        reference: 'training/y.csv',
      },
      extraEnv: repo.env,
    });

  it('passes parity, reports it in outputs, summary and one comment; a failing reference exits 1', async () => {
    const x = 'a,b\n' + rows.map((r) => r.join(',')).join('\n') + '\n';
    const first = await runOnPr(
      await repo.commit(
        {
          'training/model.json': JSON.stringify(doc),
          'training/x.csv': x,
          'training/y.csv': 'p\n' + expected.map((v) => v.toPrecision(9)).join('\n') + '\n',
        },
        'add model',
      ),
    );
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.outputs).toMatchObject({ output: 'models/churn/model.onnx', parity: 'passed' });
    expect(Number(first.outputs['max-abs-error'])).toBeLessThan(1e-6);
    expect(JSON.parse(first.outputs.result!)).toMatchObject({
      parity: { rows: 3, passed: true },
      comment: { action: 'created' },
    });
    expect(first.summary).toContain('### modelops convert');
    expect(first.summary).toContain('Parity **passed** on 3 rows of `probabilities[:, 1]`');
    let comments = github.state.commentsOn(4);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('Parity **passed** on 3 rows');

    const wrong = 'p\n' + expected.map((v) => (v + 0.1).toPrecision(9)).join('\n') + '\n';
    const second = await runOnPr(await repo.commit({ 'training/y.csv': wrong }, 'wrong reference'));
    expect(second.exitCode, second.stdout + second.stderr).toBe(1);
    expect(second.outputs.parity).toBe('failed');
    comments = github.state.commentsOn(4);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('Parity **failed** on 3 rows');
    expect(comments[0]!.body).toMatch(/\| row \| column \| expected \| got \| abs error \|/);
    github.assertNoViolations();
  });
});
