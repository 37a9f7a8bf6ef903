import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../../support/cli-runner.js';
import { makeRepoWithRemote, type RepoWithRemote } from '../../support/git-repo.js';
import { linearModelBytes } from '../../support/models.js';

const MODEL = 'models/churn/model.onnx';

describe('version: lifecycle events and awkward repositories', () => {
  let repo: RepoWithRemote;
  let env: NodeJS.ProcessEnv;
  const git = (args: string[], cwd = repo.dir) =>
    execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
  const cli = (args: string[], cwd = repo.dir, extra: Record<string, string> = {}) =>
    runCli([...args, '--json', '--no-progress'], { cwd, env: { ...repo.env, ...extra } });
  const remoteTags = () =>
    git(['ls-remote', '--tags', repo.remoteUrl])
      .split('\n')
      .filter((l) => l && !l.endsWith('^{}'))
      .map((l) => l.split('refs/tags/')[1]!)
      .sort();
  const expectUsageError = (run: CliRun, pattern: RegExp) => {
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(pattern);
  };

  beforeAll(async () => {
    repo = await makeRepoWithRemote({ lfs: true });
    env = { ...process.env, ...repo.env };
    await repo.commit({
      '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n',
      [MODEL]: linearModelBytes(),
    });
    git(['push', '-q', 'origin', 'main']);
    expect((await cli(['version', '--model', MODEL, '--push'])).json).toMatchObject({ tag: 'churn@v1.0.0' });
    await repo.commit({ [MODEL]: linearModelBytes({ bias: 2 }) });
    git(['push', '-q', 'origin', 'main']);
    expect((await cli(['version', '--model', MODEL, '--push'])).json).toMatchObject({ tag: 'churn@v1.0.1' });
  });
  afterAll(async () => repo.cleanup());

  it('deregisters a version with a counter, at the commit of that version', async () => {
    const run = await cli(['version', '--name', 'churn', '--deregister', 'v1.0.0', '--push']);
    expect(run.json).toMatchObject({
      event: 'deregister',
      tag: 'churn@v1.0.0!#1',
      version: 'v1.0.0',
      pushed: true,
    });
    expect(git(['rev-parse', 'churn@v1.0.0!#1^{commit}'])).toBe(git(['rev-parse', 'churn@v1.0.0^{commit}']));
    expectUsageError(
      await cli(['version', '--name', 'churn', '--deregister', 'v1.0.0', '--push']),
      /v1\.0\.0 is already deregistered/,
    );
    expectUsageError(
      await cli(['version', '--name', 'churn', '--deregister', 'v9.9.9']),
      /churn has no version v9\.9\.9 — its versions: v1\.0\.0, v1\.0\.1/,
    );
    expectUsageError(
      await cli(['version', '--name', 'nope', '--deprecate']),
      /model 'nope' is not in the registry — registered models: churn/,
    );
  });

  it('deprecates the model once', async () => {
    const run = await cli(['version', '--name', 'churn', '--deprecate', '--push']);
    expect(run.json).toMatchObject({ event: 'deprecate', tag: 'churn@deprecated#2', pushed: true });
    expect(remoteTags()).toEqual(['churn@deprecated#2', 'churn@v1.0.0', 'churn@v1.0.0!#1', 'churn@v1.0.1']);
    expectUsageError(await cli(['version', '--name', 'churn', '--deprecate']), /churn is already deprecated/);
  });

  it('works on a detached HEAD, as pull_request checkouts are', async () => {
    const clone = await repo.clone('detached');
    git(['lfs', 'pull'], clone.dir);
    git(['checkout', '-q', '--detach', 'HEAD'], clone.dir);
    const run = await cli(['version', '--model', MODEL, '--dry-run'], clone.dir);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ status: 'unchanged', tag: 'churn@v1.0.1' });
  });

  it('a shallow clone without tags still plans from the remote registry', async () => {
    // Two untagged commits on top: the base of the last one is reachable from no tag.
    await repo.commit({ 'notes/a.txt': 'a' });
    const base = git(['rev-parse', 'HEAD']);
    await repo.commit({ 'notes/b.txt': 'b' });
    git(['push', '-q', 'origin', 'main']);
    const dir = join(await mkdtemp(join(tmpdir(), 'modelops-shallow-')), 'shallow');
    git(['clone', '-q', '--depth', '1', '--no-tags', repo.remoteUrl, dir], repo.root);
    git(['lfs', 'install', '--local'], dir);
    git(['lfs', 'pull'], dir);
    expect(git(['tag', '-l'], dir)).toBe('');
    const run = await cli(['version', '--model', MODEL, '--dry-run'], dir);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ status: 'unchanged', tag: 'churn@v1.0.1' });
    // Finding changed models needs the base commit, which a depth-1 clone lacks: say how to fix it.
    expectUsageError(
      await cli(['version', '--base', base, '--dry-run'], dir),
      /cannot diff .*fetch-depth: 0/,
    );
  });

  it('refuses a file named .onnx that is not ONNX (a pickle here), writing nothing', async () => {
    const pickle = Uint8Array.from([
      0x80, 0x04, 0x95, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x8c, 0x02, 0x6f, 0x73, 0x94, 0x2e,
    ]);
    await repo.commit({ 'models/sneaky/model.onnx': pickle });
    const run = await cli(['version', '--model', 'models/sneaky/model.onnx', '--push']);
    expectUsageError(run, /models\/sneaky\/model\.onnx is named \.onnx but its content is a pickle file/);
    expect(existsSync(join(repo.dir, 'models/sneaky/model.json'))).toBe(false);
    expect(git(['tag', '-l', 'sneaky*'])).toBe('');
  });

  it('a pointer whose content is absent needs --bump or the content, and says how to get it', async () => {
    // Only the pointer of a new commit's model: the LFS object never reached this machine.
    const clone = await repo.clone('pointer');
    await clone.commit({ [MODEL]: linearModelBytes({ bias: 5 }) });
    const pointerOnly = await repo.clone('pointer-2');
    git(['fetch', '-q', join(clone.dir, '.git'), 'main'], pointerOnly.dir);
    git(['-c', 'lfs.fetchexclude=*', 'checkout', '-q', 'FETCH_HEAD'], pointerOnly.dir);
    const run = await cli(['version', '--model', MODEL, '--dry-run'], pointerOnly.dir, {
      GIT_LFS_SKIP_SMUDGE: '1',
    });
    expectUsageError(
      run,
      /only the LFS pointer of models\/churn\/model\.onnx is checked out — pass --bump major\|minor\|patch, or fetch the content: git lfs pull/,
    );
    const forced = await cli(['version', '--model', MODEL, '--dry-run', '--bump', 'minor'], pointerOnly.dir, {
      GIT_LFS_SKIP_SMUDGE: '1',
    });
    expect(forced.json).toMatchObject({ version: 'v1.1.0', source: 'pointer', bump: 'minor' });
  });

  it('a stale local tag with the next version name is skipped, not overwritten', async () => {
    await repo.commit({ [MODEL]: linearModelBytes({ bias: 3 }) });
    git(['tag', 'churn@v1.0.2']); // lightweight, local only: someone's leftover
    const run = await cli(['version', '--model', MODEL, '--push']);
    expect(run.json).toMatchObject({ tag: 'churn@v1.0.3', previous: 'v1.0.1' });
    expect(run.stderr).toMatch(/lightweight tag .*churn@v1\.0\.2/);
  });

  it('records training params and dataset hashes from modelops.yaml in the manifest', async () => {
    const csv = 'a,b,y\n1,2,0\n3,4,1\n';
    await repo.commit({
      'modelops.yaml':
        'version: 1\nmodels:\n  churn:\n    params: training/params.yaml\n    datasets: [holdout]\ndatasets:\n  holdout:\n    path: data/holdout.csv\n    label-column: y\n',
      'training/params.yaml': 'learning_rate: 0.1\nepochs: 40\n',
      'data/holdout.csv': csv,
      [MODEL]: linearModelBytes({ bias: 4 }),
    });
    const run = await cli(['version', '--model', MODEL]);
    expect(run.exitCode, run.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(repo.dir, 'models/churn/model.json'), 'utf8'));
    expect(manifest.lineage).toEqual({
      commit: git(['rev-parse', 'HEAD']),
      training_params: { epochs: 40, learning_rate: 0.1 },
      datasets: [{ path: 'data/holdout.csv', sha256: createHash('sha256').update(csv).digest('hex') }],
    });
  });

  it('registers a huge model from its pointer without reading any content', async () => {
    const oid = 'a'.repeat(64);
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize 53687091200\n`;
    const clone = await repo.clone('huge');
    // Commit the pointer as LFS would, without an object behind it (a 50 GiB model nobody has here).
    execFileSync('mkdir', ['-p', join(clone.dir, 'models/huge')]);
    writeFileSync(join(clone.dir, 'models/huge/model.onnx'), pointer);
    execFileSync(
      'git',
      ['-c', 'filter.lfs.clean=cat', '-c', 'filter.lfs.required=false', 'add', 'models/huge/model.onnx'],
      { cwd: clone.dir, env },
    );
    execFileSync('git', ['commit', '-q', '-m', 'huge'], { cwd: clone.dir, env });
    const run = await cli(
      ['version', '--model', 'models/huge/model.onnx', '--bump', 'major', '--dry-run'],
      clone.dir,
      { GIT_LFS_SKIP_SMUDGE: '1' },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({
      name: 'huge',
      sha256: oid,
      size: 53687091200,
      source: 'pointer',
      version: 'v1.0.0',
    });
  });
});
