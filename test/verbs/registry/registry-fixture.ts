/**
 * A registry made the way users make it: versions through the real `modelops version --push`,
 * stage tags by hand with `git tag -a` (dates deliberately out of order with their counters), a
 * deregistration, a deprecation and one lightweight tag that the registry must warn about.
 */
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { runCli } from '../../support/cli-runner.js';
import { makeRepoWithRemote, type RepoWithRemote } from '../../support/git-repo.js';
import { linearModelBytes } from '../../support/models.js';

export const CHURN = 'models/churn/model.onnx';
export const FRAUD = 'models/fraud/model.onnx';

export interface RegistryFixture {
  repo: RepoWithRemote;
  /** Commits of churn v1.0.0, v1.0.1, v1.1.0. */
  commits: [string, string, string];
  /** `version --json` results of those three registrations. */
  versions: Record<string, unknown>[];
  /** Runs `git` in the work clone with the test environment (and extra variables). */
  git(args: string[], env?: Record<string, string>): string;
  /** An annotated tag at `commit` whose tagger date is `date`. */
  tagAt(name: string, commit: string, date: string): void;
}

export async function makeRegistryFixture(): Promise<RegistryFixture> {
  const repo = await makeRepoWithRemote({ lfs: true });
  const git = (args: string[], env: Record<string, string> = {}) =>
    execFileSync('git', args, {
      cwd: repo.dir,
      env: { ...process.env, ...repo.env, ...env },
      encoding: 'utf8',
    });
  const version = async (args: string[]) => {
    const run = await runCli(['version', '--push', '--json', ...args], { cwd: repo.dir, env: repo.env });
    expect(run.exitCode, run.stderr).toBe(0);
    return run.json!;
  };
  await repo.commit({ '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n' }, 'lfs');

  const commits: string[] = [];
  const versions: Record<string, unknown>[] = [];
  for (const bytes of [
    linearModelBytes(),
    linearModelBytes({ weights: [0.5, 0.1, -0.2, 0.3] }),
    linearModelBytes({ weights: [0.5, 0.1, -0.2, 0.3], extraOutput: true }),
  ]) {
    commits.push(await repo.commit({ [CHURN]: bytes }, 'train churn'));
    versions.push(await version(['--model', CHURN]));
  }
  expect(versions.map((v) => v.tag)).toEqual(['churn@v1.0.0', 'churn@v1.0.1', 'churn@v1.1.0']);

  const tagAt = (name: string, commit: string, date: string) =>
    void git(['tag', '-a', name, commit, '-m', `assign ${name}`], { GIT_COMMITTER_DATE: date });
  const [c1, c2, c3] = commits as [string, string, string];
  // Tagger dates run against the counters: by date staging would be v1.0.0 and production v1.0.0.
  tagAt('churn#staging#1', c1, '2026-03-01T00:00:00Z');
  tagAt('churn#production#2', c1, '2026-03-05T00:00:00Z');
  tagAt('churn#staging#3', c3, '2026-01-01T00:00:00Z');
  tagAt('churn#production#4', c2, '2025-12-01T00:00:00Z');
  // GTO would silently ignore this one.
  git(['tag', 'legacy@v0.1.0', c1]);
  git(['push', '-q', 'origin', 'main', '--tags']);

  await version(['--name', 'churn', '--deregister', 'v1.0.0']);
  await repo.commit({ [FRAUD]: linearModelBytes({ features: 3 }) }, 'fraud');
  await version(['--model', FRAUD]);
  await version(['--name', 'fraud', '--deprecate']);
  git(['push', '-q', 'origin', 'main']);
  return { repo, commits: commits as [string, string, string], versions, git, tagAt };
}
