import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTag } from '../../../src/core/registry/tag-grammar.js';
import { parseTagMessage } from '../../../src/core/registry/tag-evidence.js';
import type { RepoWithRemote, TestClone } from '../../support/git-repo.js';
import { deploy, git, makeRegistry, remoteStageTags } from './deploy-fixture.js';

const RUNS = 10;
// Three environments with no order between them, so ten runs race on different tag names and
// only the counter claim keeps their counters apart.
const CONFIG = `version: 1
environments:
  - name: dev
  - name: qa
    requires: { previous: false }
  - name: canary
    requires: { previous: false }
`;

describe('10 parallel promotions against one bare remote', () => {
  let repo: RepoWithRemote;
  let commits: string[];
  const clones: TestClone[] = [];

  beforeAll(async () => {
    ({ repo, commits } = await makeRegistry({ versions: RUNS, files: { 'modelops.yaml': CONFIG } }));
    for (let i = 0; i < RUNS; i++) clones.push(await repo.clone(`ci-${i}`));
  }, 180_000);
  afterAll(async () => repo.cleanup());

  it('every run gets its own counter: none lost, none duplicated, history consistent', async () => {
    const envs = ['dev', 'qa', 'canary'];
    const runs = await Promise.all(
      clones.map((clone, i) =>
        deploy({ dir: clone.dir, env: repo.env }, [
          '--model',
          'churn',
          '--version',
          `v1.0.${i}`,
          '--to',
          envs[i % 3]!,
          '--push',
        ]),
      ),
    );
    for (const run of runs) expect(run.exitCode, run.stderr).toBe(0);
    const claimed = runs.map((r) => r.json!.tag as string);
    const remote = remoteStageTags(repo);
    expect([...remote.keys()].sort()).toEqual([...claimed].sort());
    const counters = claimed.map((t) => parseTag(t)!.counter!).sort((a, b) => a - b);
    expect(counters).toEqual(Array.from({ length: RUNS }, (_, i) => i + 1));

    // Each tag is at the commit of the version its run promoted, and the claim refs match.
    const versions = ['1.0.0', ...Array.from({ length: RUNS - 1 }, (_, i) => `1.0.${i + 1}`)];
    for (let i = 0; i < RUNS; i++)
      expect(remote.get(claimed[i]!)).toBe(commits[versions.indexOf(`1.0.${i}`)]);
    const claims = execFileSync('git', ['ls-remote', '--refs', repo.remoteUrl, 'refs/modelops/counters/*'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .map((l) => l.split('\t')[1]);
    expect(claims.sort()).toEqual(counters.map((n) => `refs/modelops/counters/churn#${n}`).sort());

    // Replaying each environment by counter, every tag's from_version is the one before it.
    git(repo, ['fetch', '-q', 'origin', '+refs/tags/*:refs/tags/*']);
    for (const env of envs) {
      const ordered = claimed
        .filter((t) => parseTag(t)!.kind === 'assign' && (parseTag(t) as { stage: string }).stage === env)
        .sort((a, b) => parseTag(a)!.counter! - parseTag(b)!.counter!);
      let held: string | null = null;
      for (const tag of ordered) {
        const evidence = parseTagMessage(
          git(repo, ['tag', '-l', '--format=%(contents)', tag]),
        ) as unknown as {
          from_version: string | null;
          version: string;
        };
        expect(evidence.from_version, tag).toBe(held);
        held = evidence.version;
      }
    }
  }, 180_000);
});
