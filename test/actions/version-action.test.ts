import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltAction } from '../support/action-runner.js';
import { makeRepoWithRemote, type RepoWithRemote } from '../support/git-repo.js';
import { linearModelBytes } from '../support/models.js';

const MODEL = 'models/churn/model.onnx';

describe('the built version action, run as a runner runs it (Node 24, copy without node_modules)', () => {
  let repo: RepoWithRemote;
  let before: string;
  let after: string;

  beforeAll(async () => {
    repo = await makeRepoWithRemote({ lfs: true });
    before = await repo.commit(
      { '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n', 'README.md': '# models\n' },
      'init',
    );
    after = await repo.commit({ [MODEL]: linearModelBytes() }, 'add churn');
    execFileSync('git', ['push', '-q', 'origin', 'main'], {
      cwd: repo.dir,
      env: { ...process.env, ...repo.env },
    });
  });
  afterAll(async () => repo.cleanup());

  it('on push: versions the models changed by the push, sets outputs and writes the job summary', async () => {
    const run = await runBuiltAction({
      action: 'version',
      workspace: repo.dir,
      eventName: 'push',
      event: { before, after, ref: 'refs/heads/main' },
      sha: after,
      inputs: { push: 'true' },
      extraEnv: repo.env,
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({
      name: 'churn',
      version: 'v1.0.0',
      tag: 'churn@v1.0.0',
      bump: 'initial',
    });
    expect(JSON.parse(run.outputs.models!)).toHaveLength(1);
    expect(JSON.parse(run.outputs.result!).pushed).toBe(true);
    expect(run.summary).toContain('| churn | pushed | `churn@v1.0.0` |');
    const remote = execFileSync('git', ['ls-remote', '--tags', repo.remoteUrl], { encoding: 'utf8' });
    expect(remote).toContain('refs/tags/churn@v1.0.0');
  });

  it('the root action dispatches on command:', async () => {
    const run = await runBuiltAction({
      action: 'main',
      workspace: repo.dir,
      inputs: { command: 'version', model: MODEL, 'dry-run': 'true' },
      extraEnv: repo.env,
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ tag: 'churn@v1.0.0', version: 'v1.0.0' });
    expect(JSON.parse(run.outputs.result!).status).toBe('unchanged');
  });

  it('bad input fails with one ::error:: line and exit 2, no stack trace', async () => {
    const run = await runBuiltAction({
      action: 'version',
      workspace: repo.dir,
      inputs: { bump: 'sideways' },
      extraEnv: repo.env,
    });
    expect(run.exitCode).toBe(2);
    expect(run.annotations).toEqual([
      "::error::input 'bump' must be one of auto, major, minor, patch, got 'sideways' — see 'modelops version --help'",
    ]);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
  });

  it('an unknown command: on the root action names the valid ones', async () => {
    const run = await runBuiltAction({
      action: 'main',
      workspace: repo.dir,
      inputs: { command: 'publish' },
      extraEnv: repo.env,
    });
    expect(run.exitCode).toBe(2);
    expect(run.annotations[0]).toMatch(
      /^::error::unknown command 'publish' — set command: to one of version/,
    );
  });
});
