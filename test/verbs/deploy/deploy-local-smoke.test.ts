import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli-runner.js';
import type { RepoWithRemote } from '../../support/git-repo.js';
import { linearModelBytes } from '../../support/models.js';
import { deploy, git, makeRegistry, MODEL, remoteStageTags } from './deploy-fixture.js';

const config = (port: number) => `version: 1
environments:
  - name: dev
    target: local
  - name: staging
    target: local
    port: ${port}
`;

/** Local tags of the repository that are stage tags (name#…). */
const localStageTags = (repo: RepoWithRemote) =>
  git(repo, ['tag', '-l', 'churn#*']).split('\n').filter(Boolean);

describe('deploy to a local target: smoke test before the stage tag', () => {
  let repo: RepoWithRemote;
  let busy: Server;
  let busyPort: number;

  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    busyPort = (busy.address() as { port: number }).port;
    ({ repo } = await makeRegistry({ versions: 1, files: { 'modelops.yaml': config(busyPort) } }));
    // v2.0.0 parses and has a signature, but onnxruntime refuses it: MatMul of double by float.
    await repo.commit({ [MODEL]: linearModelBytes({ inputType: 'double' }) }, 'train a broken one');
    const registered = await runCli(['version', '--model', MODEL, '--push', '--no-progress'], {
      cwd: repo.dir,
      env: repo.env,
    });
    expect(registered.exitCode, registered.stderr).toBe(0);
    git(repo, ['add', '--all']);
    git(repo, ['commit', '-q', '-m', 'manifest']);
  }, 120_000);
  afterAll(async () => {
    busy.close();
    await repo.cleanup();
  });

  it('a model that loads, is ready and answers one infer is tagged; the result says what the smoke test saw', async () => {
    const run = await deploy(repo, ['--model', 'churn', '--version', 'v1.0.0', '--to', 'dev', '--push']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({
      tag: 'churn#dev#1',
      version: 'v1.0.0',
      smoke: { outputs: ['probability'] },
    });
    expect((run.json!.smoke as { url: string }).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(run.stderr).toMatch(
      /smoke test passed: churn v1\.0\.0 ready on http:\/\/127\.0\.0\.1:\d+, one infer → probability \[1, 1\]/,
    );
    expect([...remoteStageTags(repo).keys()]).toEqual(['churn#dev#1']);
  }, 60_000);

  it('a model that fails to load: exit 1, a clear message, no tag (local or remote)', async () => {
    const run = await deploy(repo, ['--model', 'churn', '--version', 'v2.0.0', '--to', 'dev', '--push']);
    expect(run.exitCode).toBe(1);
    expect(run.json).toMatchObject({
      status: 'smoke-failed',
      tag: null,
      smoke: { stage: 'load' },
    });
    expect(run.stderr).toMatch(
      /churn v2\.0\.0 failed the local smoke test of dev \(load\): it does not load in onnxruntime: .+; no tag was written/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect([...remoteStageTags(repo).keys()]).toEqual(['churn#dev#1']);
    expect(localStageTags(repo)).toEqual(['churn#dev#1']);
    const text = await runCli(
      ['deploy', '--model', 'churn', '--version', 'v2.0.0', '--to', 'dev', '--no-progress'],
      {
        cwd: repo.dir,
        env: repo.env,
      },
    );
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(/failed the local smoke test of dev \(load\)/);
  }, 60_000);

  it('a busy smoke port: exit 2 naming the port, nothing tagged', async () => {
    const run = await deploy(repo, ['--model', 'churn', '--to', 'staging', '--push']);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(`port ${busyPort} on 127.0.0.1 is already in use`);
    expect([...remoteStageTags(repo).keys()]).toEqual(['churn#dev#1']);
    expect(execFileSync('git', ['tag', '-l', 'churn#staging*'], { cwd: repo.dir, encoding: 'utf8' })).toBe(
      '',
    );
  }, 60_000);
});
