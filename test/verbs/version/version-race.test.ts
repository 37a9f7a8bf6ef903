import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTagMessage } from '../../../src/core/registry/tag-evidence.js';
import { runCli } from '../../support/cli-runner.js';
import { makeRepoWithRemote, type RepoWithRemote, type TestClone } from '../../support/git-repo.js';
import { linearModelBytes } from '../../support/models.js';

const MODEL = 'models/churn/model.onnx';
const RUNS = 10;

describe('concurrent version runs against one bare remote', () => {
  let repo: RepoWithRemote;
  const clones: TestClone[] = [];

  beforeAll(async () => {
    repo = await makeRepoWithRemote({ lfs: true });
    await repo.commit(
      { '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n', [MODEL]: linearModelBytes() },
      'base',
    );
    execFileSync('git', ['push', '-q', 'origin', 'main'], {
      cwd: repo.dir,
      env: { ...process.env, ...repo.env },
    });
    for (let i = 0; i < RUNS; i++) {
      const clone = await repo.clone(`ci-${i}`);
      // Each "CI job" retrained the model differently on its own commit.
      await clone.commit({ [MODEL]: linearModelBytes({ weights: [i, 1, 2, 3] }) }, `retrain ${i}`);
      clones.push(clone);
    }
  }, 120_000);
  afterAll(async () => repo.cleanup());

  it(`${RUNS} parallel runs: each gets its own version, none lost, none duplicated`, async () => {
    const runs = await Promise.all(
      clones.map((c) =>
        runCli(['version', '--model', MODEL, '--push', '--json', '--no-progress'], {
          cwd: c.dir,
          env: repo.env,
        }),
      ),
    );
    for (const run of runs) expect(run.exitCode, run.stderr).toBe(0);
    const claimed = runs.map((r) => r.json!.tag as string);
    expect(new Set(claimed).size).toBe(RUNS);

    const listing = execFileSync('git', ['ls-remote', '--tags', repo.remoteUrl], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.endsWith('^{}'))
      .map((l) => {
        const [commit, ref] = l.split('\t');
        return { commit: commit!, tag: ref!.replace('refs/tags/', '').replace('^{}', '') };
      });
    expect(listing.map((t) => t.tag).sort()).toEqual([...claimed].sort());
    // Versions are consecutive: 1.0.0 for the first winner, then patches, no gap.
    const versions = claimed
      .map((t) => t.split('@v')[1]!)
      .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
    expect(versions).toEqual(Array.from({ length: RUNS }, (_, i) => (i === 0 ? '1.0.0' : `1.0.${i}`)));
    // Every tag points at the commit of the run that claimed it, and its evidence says so.
    for (let i = 0; i < RUNS; i++) {
      const head = execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd: clones[i]!.dir,
        encoding: 'utf8',
      }).trim();
      expect(listing.find((t) => t.tag === claimed[i])?.commit).toBe(head);
      const message = execFileSync('git', ['tag', '-l', '--format=%(contents)', claimed[i]!], {
        cwd: clones[i]!.dir,
        encoding: 'utf8',
      });
      expect(parseTagMessage(message)?.commit).toBe(head);
    }
  }, 180_000);
});
