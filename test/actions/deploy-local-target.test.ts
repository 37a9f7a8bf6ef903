import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltAction } from '../support/action-runner.js';
import { runCli } from '../support/cli-runner.js';
import type { RepoWithRemote } from '../support/git-repo.js';
import { linearModelBytes } from '../support/models.js';
import { git, makeRegistry, MODEL, remoteStageTags } from '../verbs/deploy/deploy-fixture.js';

const CONFIG = `version: 1
environments:
  - name: dev
    target: local
    render: { targets: [triton, edge], path: serving }
`;

/**
 * The built action (bundle + onnxruntime shipped beside it, no node_modules) smoke-tests a local
 * target and renders before the tag; a version that fails the smoke test fails the step with
 * exit 1, no tag and no rendered file.
 */
describe('deploy action: local target and rendering before the tag', () => {
  let repo: RepoWithRemote;
  beforeAll(async () => {
    ({ repo } = await makeRegistry({ versions: 1, files: { 'modelops.yaml': CONFIG } }));
    await repo.commit({ [MODEL]: linearModelBytes({ inputType: 'double' }) }, 'a model onnxruntime refuses');
    const registered = await runCli(['version', '--model', MODEL, '--push', '--no-progress'], {
      cwd: repo.dir,
      env: repo.env,
    });
    expect(registered.exitCode, registered.stderr).toBe(0);
    git(repo, ['add', '--all']);
    git(repo, ['commit', '-q', '-m', 'manifest']);
  }, 120_000);
  afterAll(async () => repo.cleanup());

  const run = (version: string) =>
    runBuiltAction({
      action: 'deploy',
      workspace: repo.dir,
      eventName: 'workflow_dispatch',
      inputs: { model: 'churn', version, to: 'dev', push: 'true', 'github-token': '' },
      extraEnv: repo.env,
    });

  it('a version that fails to load: step fails (exit 1) with the reason, nothing tagged or rendered', async () => {
    const failed = await run('v2.0.0');
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toMatch(
      /::error::modelops deploy: churn v2\.0\.0 failed the local smoke test of dev \(load\): it does not load in onnxruntime/,
    );
    expect(JSON.parse(failed.outputs.result!)).toMatchObject({ status: 'smoke-failed', tag: null });
    expect(remoteStageTags(repo).size).toBe(0);
    expect(existsSync(join(repo.dir, 'serving'))).toBe(false);
  }, 60_000);

  it('a good version: smoke test passes, targets rendered, then tagged', async () => {
    const ok = await run('v1.0.0');
    expect(ok.exitCode, ok.stdout).toBe(0);
    expect(ok.outputs).toMatchObject({
      tag: 'churn#dev#1',
      rendered: 'serving/dev/triton/churn\nserving/dev/edge/churn',
    });
    expect(JSON.parse(ok.outputs.result!)).toMatchObject({ smoke: { outputs: ['probability'] } });
    expect(readdirSync(join(repo.dir, 'serving/dev/triton/churn')).sort()).toEqual(['1', 'config.pbtxt']);
    expect([...remoteStageTags(repo).keys()]).toEqual(['churn#dev#1']);
  }, 60_000);
});
