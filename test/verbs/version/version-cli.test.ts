import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTagMessage } from '../../../src/core/registry/tag-evidence.js';
import { runCli } from '../../support/cli-runner.js';
import { makeRepoWithRemote, type RepoWithRemote } from '../../support/git-repo.js';
import { linearModelBytes } from '../../support/models.js';

const MODEL = 'models/churn/model.onnx';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('modelops version (CLI, real git + LFS, bare remote)', () => {
  let repo: RepoWithRemote;
  const version = (args: string[], cwd = repo.dir, env: Record<string, string> = {}) =>
    runCli(['version', '--push', '--json', ...args], { cwd, env: { ...repo.env, ...env } });
  const remoteTags = () =>
    execFileSync('git', ['ls-remote', '--tags', repo.remoteUrl], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l && !l.endsWith('^{}'))
      .map((l) => l.split('refs/tags/')[1]!)
      .sort();

  beforeAll(async () => {
    repo = await makeRepoWithRemote({ lfs: true });
    await repo.commit(
      { '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n' },
      'track onnx with lfs',
    );
  });
  afterAll(async () => repo.cleanup());

  it('registers the first version as v1.0.0 with evidence in an annotated tag on the remote', async () => {
    const bytes = linearModelBytes();
    await repo.commit({ [MODEL]: bytes }, 'add churn');
    const run = await version(['--model', MODEL]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.json).toMatchObject({
      name: 'churn',
      version: 'v1.0.0',
      tag: 'churn@v1.0.0',
      bump: 'initial',
      pushed: true,
      sha256: sha256(bytes),
      size: bytes.length,
      format: 'onnx',
    });
    expect(remoteTags()).toEqual(['churn@v1.0.0']);
    const type = execFileSync('git', ['cat-file', '-t', 'churn@v1.0.0'], {
      cwd: repo.dir,
      encoding: 'utf8',
    }).trim();
    expect(type).toBe('tag');
    const message = execFileSync('git', ['tag', '-l', '--format=%(contents)', 'churn@v1.0.0'], {
      cwd: repo.dir,
      encoding: 'utf8',
    });
    const evidence = parseTagMessage(message);
    expect(evidence?.sha256).toBe(sha256(bytes));
    expect(evidence?.signature?.inputs[0]).toEqual({
      name: 'features',
      kind: 'tensor',
      elementType: 'float',
      shape: ['batch', 4],
    });
    const manifest = JSON.parse(await readFile(join(repo.dir, 'models/churn/model.json'), 'utf8'));
    expect(manifest).toMatchObject({
      name: 'churn',
      version: '1.0.0',
      sha256: sha256(bytes),
      format: 'onnx',
    });
  });

  it('says unchanged and makes no tag when the content is already registered', async () => {
    const run = await version(['--model', MODEL]);
    expect(run.json).toMatchObject({ status: 'unchanged', tag: 'churn@v1.0.0', bump: 'none' });
    expect(remoteTags()).toEqual(['churn@v1.0.0']);
  });

  it('derives patch, minor and major bumps from the signature diff', async () => {
    await repo.commit({ [MODEL]: linearModelBytes({ weights: [0.5, 0.1, -0.2, 0.3] }) }, 'retrain');
    expect((await version(['--model', MODEL])).json).toMatchObject({
      version: 'v1.0.1',
      bump: 'patch',
      changes: [],
    });

    await repo.commit({ [MODEL]: linearModelBytes({ extraOutput: true }) }, 'expose logit');
    const minor = await version(['--model', MODEL]);
    expect(minor.json).toMatchObject({ version: 'v1.1.0', bump: 'minor', previous: 'v1.0.1' });
    expect((minor.json!.changes as string[]).join('\n')).toMatch(/output "logit"/);

    await repo.commit(
      { [MODEL]: linearModelBytes({ extraOutput: true, inputType: 'double' }) },
      'double input',
    );
    const major = await version(['--model', MODEL]);
    expect(major.json).toMatchObject({ version: 'v2.0.0', bump: 'major' });
    expect((major.json!.changes as string[]).join('\n')).toMatch(/input "features".*float.*double/);
    expect(remoteTags()).toEqual(['churn@v1.0.0', 'churn@v1.0.1', 'churn@v1.1.0', 'churn@v2.0.0']);
  });

  it('a dry run plans the version but creates no tag and writes no manifest', async () => {
    await repo.commit(
      { [MODEL]: linearModelBytes({ extraOutput: true, inputType: 'double', bias: 1 }) },
      'bias',
    );
    const run = await runCli(['version', '--model', MODEL, '--dry-run', '--json'], {
      cwd: repo.dir,
      env: repo.env,
    });
    expect(run.json).toMatchObject({ version: 'v2.0.1', bump: 'patch', dryRun: true, pushed: false });
    expect(remoteTags()).not.toContain('churn@v2.0.1');
    const local = execFileSync('git', ['tag', '-l', 'churn@v2.0.1'], { cwd: repo.dir, encoding: 'utf8' });
    expect(local).toBe('');
  });

  it('registers from the LFS pointer alone in a GIT_LFS_SKIP_SMUDGE clone', async () => {
    const env = { ...process.env, ...repo.env };
    execFileSync('git', ['push', '-q', 'origin', 'main'], { cwd: repo.dir, env });
    const clone = await repo.clone('pointer-only');
    const bytes = linearModelBytes({ extraOutput: true, inputType: 'double', bias: 1 });
    // The real content comes through LFS from the file:// remote …
    execFileSync('git', ['lfs', 'pull'], { cwd: clone.dir, env });
    expect(sha256(await readFile(join(clone.dir, MODEL)))).toBe(sha256(bytes));
    // … now keep only the pointer, as actions/checkout does without `lfs: true`.
    await rm(join(clone.dir, MODEL));
    execFileSync('git', ['checkout', '--', MODEL], {
      cwd: clone.dir,
      env: { ...env, GIT_LFS_SKIP_SMUDGE: '1' },
    });
    const head = await readFile(join(clone.dir, MODEL), 'utf8');
    expect(head.startsWith('version https://git-lfs.github.com/spec/v1')).toBe(true);
    const run = await version(['--model', MODEL, '--bump', 'patch'], clone.dir, { GIT_LFS_SKIP_SMUDGE: '1' });
    expect(run.exitCode).toBe(0);
    expect(run.json).toMatchObject({
      version: 'v2.0.1',
      source: 'pointer',
      sha256: sha256(bytes),
      size: bytes.length,
    });
  });

  it('refuses a large model committed as a plain git blob, with the command that fixes it', async () => {
    const big = new Uint8Array(2 * 1024 * 1024).fill(7);
    await repo.commit({ 'models/plain/model.bin': big }, 'plain blob');
    const run = await version(['--model', 'models/plain/model.bin', '--name', 'plain']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /plain 2097152-byte git blob.*git lfs track "models\/plain\/model.bin" && git lfs migrate import/,
    );
  });

  it('rejects a corrupt ONNX file in one line with exit 2', async () => {
    await repo.commit(
      { 'models/broken/model.onnx': new Uint8Array([8, 7, 0x12, 0xff, 0xff, 0xff]) },
      'broken',
    );
    const run = await version(['--model', 'models/broken/model.onnx']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^modelops version: error: .*models\/broken\/model\.onnx/);
    expect(run.stderr).not.toMatch(/\bat .*:\d+:\d+/);
  });

  it('versions only the models changed between two refs, monorepo names included', async () => {
    const base = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo.dir, encoding: 'utf8' }).trim();
    await repo.commit(
      { 'vision/models/resnet/model.onnx': linearModelBytes({ features: 8 }) },
      'monorepo model',
    );
    const run = await version(['--base', base]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect((run.json!.models as { tag: string }[]).map((m) => m.tag)).toEqual(['vision=resnet@v1.0.0']);
    expect(remoteTags()).toContain('vision=resnet@v1.0.0');
  });
});
