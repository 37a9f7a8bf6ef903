import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, it, expect } from 'vitest';
import { GitCli } from '../../../src/platform/git/git.js';
import { GitError } from '../../../src/platform/git/git-error.js';
import { makeRepoWithRemote, type RepoWithRemote } from '../../support/git-repo.js';

let repos: RepoWithRemote[] = [];
afterEach(async () => {
  await Promise.all(repos.map((r) => r.cleanup()));
  repos = [];
});
async function makeRepo(options: { lfs?: boolean } = {}) {
  const repo = await makeRepoWithRemote(options);
  repos.push(repo);
  return repo;
}

describe('GitCli', () => {
  it('lists annotated and lightweight tags with target, tagger and verbatim message', async () => {
    const repo = await makeRepo();
    const c1 = await repo.commit({ 'a.txt': '1' });
    const c2 = await repo.commit({ 'a.txt': '2' });
    const evidence = '{"sha256":"abc"}\n# not a comment\n\nsecond paragraph';
    await repo.git.createAnnotatedTag('churn@v1.0.0#1', c1, evidence, {
      tagger: { name: 'Bot', email: 'bot@example.test' },
    });
    await repo.git.run(['tag', 'churn#prod#2', c2]);
    await repo.git.createAnnotatedTag('nested/name@v0.1.0', 'churn@v1.0.0#1', 'tag of a tag');
    const tags = await repo.git.listTags();
    const byName = new Map(tags.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(['churn#prod#2', 'churn@v1.0.0#1', 'nested/name@v0.1.0']);
    const annotated = byName.get('churn@v1.0.0#1')!;
    expect(annotated).toMatchObject({
      annotated: true,
      target: c1,
      commit: c1,
      targetType: 'commit',
      message: evidence,
      tagger: { name: 'Bot', email: 'bot@example.test' },
    });
    expect(annotated.object).not.toBe(c1);
    expect(Date.parse(annotated.date!)).not.toBeNaN();
    expect(byName.get('churn#prod#2')).toEqual({
      name: 'churn#prod#2',
      annotated: false,
      object: c2,
      target: c2,
      targetType: 'commit',
      commit: c2,
    });
    expect(byName.get('nested/name@v0.1.0')).toMatchObject({
      annotated: true,
      targetType: 'tag',
      target: annotated.object,
    });
    expect(byName.get('nested/name@v0.1.0')!.commit).toBeUndefined();
    expect((await repo.git.listTags(['churn@*'])).map((t) => t.name)).toEqual(['churn@v1.0.0#1']);
  });

  it('lists 1,500 tags in one subprocess', async () => {
    const repo = await makeRepo();
    const commit = await repo.commit({ 'a.txt': '1' });
    const tagObjects: string[] = [];
    // Build the tags fast with plumbing: mktag for annotated ones, one update-ref --stdin for all refs.
    const mktag = Array.from({ length: 1000 }, (_, i) =>
      repo.git.run(['mktag'], {
        input: `object ${commit}\ntype commit\ntag m${i % 50}@v1.${i}.0#${i + 1}\ntagger T <t@example.test> ${1_700_000_000 + i} +0000\n\n{"i":${i}}\n`,
      }),
    );
    for (const out of await Promise.all(mktag)) tagObjects.push(out.trim());
    const updates = [
      ...tagObjects.map((sha, i) => `create refs/tags/m${i % 50}@v1.${i}.0#${i + 1} ${sha}`),
      ...Array.from({ length: 500 }, (_, i) => `create refs/tags/m${i % 50}#prod#${2000 + i} ${commit}`),
    ];
    await repo.git.run(['update-ref', '--stdin'], { input: updates.join('\n') + '\n' });

    const start = performance.now();
    const tags = await repo.git.listTags();
    const ms = performance.now() - start;
    console.log(`listTags: ${tags.length} tags in ${ms.toFixed(1)} ms`);
    expect(tags).toHaveLength(1500);
    expect(tags.filter((t) => t.annotated)).toHaveLength(1000);
    expect(tags.find((t) => t.name === 'm7@v1.7.0#8')).toMatchObject({
      message: '{"i":7}',
      commit,
      date: '2023-11-14T22:13:27+00:00',
    });
  });

  it('pushes a tag, and reports "exists" when another clone won the race', async () => {
    const repo = await makeRepo();
    const c1 = await repo.commit({ 'a.txt': '1' });
    await repo.git.run(['push', '--quiet', 'origin', 'main']);
    const other = await repo.clone('other');
    await repo.git.createAnnotatedTag('churn#prod#1', c1, 'from job A');
    await other.git.createAnnotatedTag('churn#prod#1', c1, 'from job B');
    expect(await repo.git.pushTag('origin', 'churn#prod#1')).toEqual({ ok: true, status: 'created' });
    expect(await repo.git.pushTag('origin', 'churn#prod#1')).toEqual({ ok: true, status: 'up-to-date' });
    const lost = await other.git.pushTag('origin', 'churn#prod#1');
    expect(lost).toMatchObject({ ok: false, reason: 'exists' });
    // The loser fetches the winner's tag, replacing its own.
    await other.git.fetchTags('origin');
    expect((await other.git.listTags()).map((t) => t.message)).toEqual(['from job A']);
    await expect(other.git.pushTag('nowhere', 'churn#prod#1')).rejects.toThrow(GitError);
  });

  it('reports other rejections (a remote hook) as "rejected"', async () => {
    const repo = await makeRepo();
    const c1 = await repo.commit({ 'a.txt': '1' });
    const hook = join(repo.remoteDir, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "tags are protected" >&2\nexit 1\n', { mode: 0o755 });
    await repo.git.createAnnotatedTag('churn#prod#1', c1, 'x');
    expect(await repo.git.pushTag('origin', 'churn#prod#1')).toMatchObject({
      ok: false,
      reason: 'rejected',
      message: expect.stringContaining('pre-receive hook declined'),
    });
  });

  it('wraps failures in one-line errors with the command and stderr', async () => {
    const repo = await makeRepo();
    await repo.commit({ 'a.txt': '1' });
    const error = await repo.git.revParse('no-such-ref').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toMatch(
      /^git rev-parse --verify --end-of-options no-such-ref failed \(exit 128\): fatal: /,
    );
    expect((error as GitError).message).not.toContain('\n');
    await expect(
      new GitCli({ cwd: repo.dir, gitBinary: 'git-does-not-exist' }).run(['status']),
    ).rejects.toThrow('git status failed (git is not installed or not on PATH)');
    await expect(repo.git.showFile('--output=/tmp/x', 'a')).rejects.toThrow(/must never|refs never start/);
  });

  it('reads branches, diffs with renames, files at a ref, ls-files and deletes tags', async () => {
    const repo = await makeRepo();
    const manifest = '{"a":1}\n'.repeat(50);
    const base = await repo.commit({
      'models/a/model.json': manifest,
      'keep.txt': 'k',
      'gone.txt': 'g',
      'weird name\nx.txt': 'w',
    });
    expect(await repo.git.currentBranch()).toBe('main');
    await repo.git.run(['rm', '--quiet', 'gone.txt', 'models/a/model.json']);
    const head = await repo.commit({
      'keep.txt': 'changed',
      'new.txt': 'n',
      'models/b/model.json': manifest,
    });
    const diff = await repo.git.diffNames(base, head);
    expect(diff).toEqual(
      expect.arrayContaining([
        { status: 'R', path: 'models/b/model.json', oldPath: 'models/a/model.json', similarity: 100 },
        { status: 'D', path: 'gone.txt' },
        { status: 'M', path: 'keep.txt' },
        { status: 'A', path: 'new.txt' },
      ]),
    );
    expect(diff).toHaveLength(4);
    expect(await repo.git.diffNames(base, head, ['models'])).toHaveLength(1);
    expect((await repo.git.showFile(base, 'keep.txt')).toString()).toBe('k');
    expect(await repo.git.lsFiles()).toEqual([
      'keep.txt',
      'models/b/model.json',
      'new.txt',
      'weird name\nx.txt',
    ]);
    await repo.git.run(['checkout', '--quiet', '--detach', 'HEAD']);
    expect(await repo.git.currentBranch()).toBeNull();
    await repo.git.run(['tag', 'light', head]);
    await repo.git.deleteLocalTag('light');
    expect(await repo.git.listTags()).toEqual([]);
  });

  it('knows which paths are LFS-tracked and lists LFS files', async () => {
    const repo = await makeRepo({ lfs: true });
    await repo.git.lfsTrack('models/**/*.onnx');
    await repo.commit({ 'models/churn/model.onnx': Buffer.alloc(4096, 7), 'README.md': 'hi' });
    expect(await repo.git.isLfsTracked('models/churn/model.onnx')).toBe(true);
    expect(await repo.git.isLfsTracked('models/other/new.onnx')).toBe(true);
    expect(await repo.git.isLfsTracked('README.md')).toBe(false);
    const files = await repo.git.lfsLsFiles();
    expect(files).toEqual([
      { oid: expect.stringMatching(/^[0-9a-f]{64}$/), path: 'models/churn/model.onnx', checkedOut: true },
    ]);
    // LFS objects travel to the file:// remote without a server.
    await repo.git.run(['push', '--quiet', 'origin', 'main']);
    const other = await repo.clone('other');
    expect((await other.git.showFile('HEAD', 'models/churn/model.onnx')).toString()).toContain(
      `oid sha256:${files[0]!.oid}`,
    );
    await other.git.run(['lfs', 'pull']);
    expect(await other.git.lfsLsFiles()).toEqual(files);
  });
});
