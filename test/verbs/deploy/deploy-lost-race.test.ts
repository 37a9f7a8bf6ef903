import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepoWithRemote } from '../../support/git-repo.js';
import { deploy, git, makeRegistry, remoteStageTags } from './deploy-fixture.js';

const CONFIG = `version: 1
environments:
  - name: dev
  - name: staging
    render: { targets: [kserve, edge], path: gitops }
`;

// Runs in the bare remote when a push arrives: the first time, a concurrent run "wins" by
// landing churn#dev#2 (v1.0.1) and its counter claim just before this push is applied.
const HOOK = `#!/bin/sh
[ -e raced ] && exit 0
touch raced
unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
obj=$(git rev-parse refs/hidden/competitor)
git update-ref 'refs/tags/churn#dev#2' "$obj"
git update-ref 'refs/modelops/counters/churn#2' "$obj"
exit 0
`;

describe('a lost tag race that changes what would be promoted', () => {
  let repo: RepoWithRemote;
  let commits: string[];
  beforeAll(async () => {
    ({ repo, commits } = await makeRegistry({ versions: 2, files: { 'modelops.yaml': CONFIG } }));
    const dev = await deploy(repo, ['--model', 'churn', '--version', 'v1.0.0', '--to', 'dev', '--push']);
    expect(dev.exitCode, dev.stderr).toBe(0);
    // The competitor's tag object lives in the remote already, under a ref no one reads.
    git(repo, ['tag', '-a', 'churn#dev#2', commits[1]!, '-m', 'Promote churn v1.0.1 to dev']);
    git(repo, ['push', '-q', 'origin', 'refs/tags/churn#dev#2:refs/hidden/competitor']);
    git(repo, ['tag', '-d', 'churn#dev#2']);
    const hook = join(repo.remoteDir, 'hooks/pre-receive');
    writeFileSync(hook, HOOK);
    chmodSync(hook, 0o755);
  }, 120_000);
  afterAll(async () => repo.cleanup());

  it('re-plans, sees dev now holds v1.0.1, and stops with a clear error: no tag, no rendered file', async () => {
    const run = await deploy(repo, ['--model', 'churn', '--to', 'staging', '--push']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      'the registry changed while this deploy ran: v1.0.0 was checked for staging, but v1.0.1 would now be tagged — re-run deploy',
    );
    expect(run.stderr).toMatch(/taken by a concurrent run; re-reading the registry/);
    expect([...remoteStageTags(repo).keys()].sort()).toEqual(['churn#dev#1', 'churn#dev#2']);
    expect(git(repo, ['tag', '-l', 'churn#staging*'])).toBe('');
    expect(existsSync(join(repo.dir, 'gitops'))).toBe(false);

    // Re-run: it checks and promotes what dev holds now, rendering for that version.
    const again = await deploy(repo, ['--model', 'churn', '--to', 'staging', '--push']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ tag: 'churn#staging#3', version: 'v1.0.1' });
    expect(again.json!.rendered).toEqual(['gitops/staging/kserve/churn.yaml', 'gitops/staging/edge/churn']);
  }, 60_000);
});
