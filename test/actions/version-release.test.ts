import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltAction } from '../support/action-runner.js';
import { makeRepoWithRemote, type RepoWithRemote } from '../support/git-repo.js';
import { startStandIn, type StandIn } from '../support/github-stand-in/index.js';
import { linearModelBytes } from '../support/models.js';

const MODEL = 'models/churn/model.onnx';
const CARD =
  '---\nmodel-index:\n  - name: churn\n    results:\n      - metrics:\n          - { type: roc_auc, value: 0.91 }\n---\n# churn\n\nPredicts churn.\n';

describe('version action with release: a GitHub Release per new register tag', () => {
  let repo: RepoWithRemote;
  let github: StandIn;
  let before: string;
  let after: string;
  const bytes = linearModelBytes();

  beforeAll(async () => {
    repo = await makeRepoWithRemote({ lfs: true });
    github = await startStandIn({ owner: 'octo-org', repo: 'models' });
    before = await repo.commit({ '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n' }, 'init');
    after = await repo.commit({ [MODEL]: bytes, 'models/churn/card.md': CARD }, 'add churn');
    execFileSync('git', ['push', '-q', 'origin', 'main'], {
      cwd: repo.dir,
      env: { ...process.env, ...repo.env },
    });
  }, 60_000);
  afterAll(async () => {
    await github.close();
    await repo.cleanup();
  });

  const run = () =>
    runBuiltAction({
      action: 'version',
      workspace: repo.dir,
      eventName: 'push',
      event: { before, after, ref: 'refs/heads/main' },
      sha: after,
      apiUrl: github.url,
      inputs: { push: 'true', release: 'true' },
      extraEnv: repo.env,
    });

  it('creates the release with the card and its metrics as notes and the model file (not the LFS pointer) as asset', async () => {
    const first = await run();
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    const result = JSON.parse(first.outputs.result!) as {
      releases: { tag: string; created: boolean; assets: string[] }[];
    };
    expect(result.releases).toMatchObject([{ tag: 'churn@v1.0.0', created: true, assets: ['model.onnx'] }]);
    const [release] = github.state.releases;
    expect(release).toMatchObject({ tagName: 'churn@v1.0.0', name: 'churn v1.0.0' });
    expect(release!.body).toMatch(
      /### Evaluation \(model-index\)\n\n```yaml\nmodel-index:[\s\S]*roc_auc[\s\S]*```\n\n# churn\n\nPredicts churn\./,
    );
    const [asset] = github.state.assets;
    expect(asset).toMatchObject({ name: 'model.onnx', contentType: 'application/octet-stream' });
    expect(Buffer.compare(Buffer.from(asset!.data), Buffer.from(bytes))).toBe(0);
  });
});
