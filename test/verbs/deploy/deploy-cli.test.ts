import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTagMessage } from '../../../src/core/registry/tag-evidence.js';
import type { RepoWithRemote } from '../../support/git-repo.js';
import { deploy, git, makeRegistry, remoteStageTags } from './deploy-fixture.js';

describe('modelops deploy: promotion through dev → staging → production (no modelops.yaml)', () => {
  let repo: RepoWithRemote;
  let commits: string[];

  beforeAll(async () => {
    ({ repo, commits } = await makeRegistry());
  }, 120_000);
  afterAll(async () => repo.cleanup());

  it('promotes stage by stage with counters, evidence and one-line refusals', async () => {
    const dev = await deploy(repo, ['--model', 'churn', '--version', 'v1.0.0', '--to', 'dev', '--push']);
    expect(dev.exitCode, dev.stderr).toBe(0);
    expect(dev.json).toMatchObject({
      action: 'promote',
      name: 'churn',
      environment: 'dev',
      status: 'created',
      tag: 'churn#dev#1',
      version: 'v1.0.0',
      previous: null,
      commit: commits[0],
      pushed: true,
    });
    expect(dev.json!.sha256).toMatch(/^[0-9a-f]{64}$/);

    // Skipping staging is refused, naming the requirement and the command that meets it.
    const skip = await deploy(repo, [
      '--model',
      'churn',
      '--version',
      'v1.0.0',
      '--to',
      'production',
      '--push',
    ]);
    expect(skip.exitCode).toBe(2);
    expect(skip.stderr).toContain('churn v1.0.0 is not in staging, which production requires first');
    expect(skip.stderr).toContain('modelops deploy --model churn --version v1.0.0 --to staging');
    expect(skip.stderr).not.toMatch(/\n\s+at /);

    // Without --version: what the previous environment holds.
    const staging = await deploy(repo, ['--model', 'churn', '--to', 'staging', '--push']);
    expect(staging.exitCode, staging.stderr).toBe(0);
    expect(staging.json).toMatchObject({ tag: 'churn#staging#2', version: 'v1.0.0' });
    expect(staging.json!.checks).toMatchObject({ previous: { environment: 'dev', tag: 'churn#dev#1' } });

    const again = await deploy(repo, ['--model', 'churn', '--to', 'staging', '--push']);
    expect(again.json).toMatchObject({ status: 'unchanged', tag: null, version: 'v1.0.0' });

    const prod = await deploy(repo, ['--model', 'churn', '--to', 'production', '--push']);
    expect(prod.exitCode, prod.stderr).toBe(0);
    expect(prod.json).toMatchObject({ tag: 'churn#production#3', version: 'v1.0.0', previous: null });

    const tags = remoteStageTags(repo);
    expect([...tags.keys()].sort()).toEqual(['churn#dev#1', 'churn#production#3', 'churn#staging#2']);
    for (const commit of tags.values()) expect(commit).toBe(commits[0]);
    const message = git(repo, ['tag', '-l', '--format=%(contents)', 'churn#production#3']);
    expect(message.split('\n')[0]).toBe('Promote churn v1.0.0 to production');
    expect(parseTagMessage(message)).toMatchObject({
      kind: 'assign',
      model: 'churn',
      version: 'v1.0.0',
      environment: 'production',
      from_version: null,
      sha256: dev.json!.sha256,
      actor: 'Test Runner',
      commit: commits[0],
      checks: { previous: { environment: 'staging', tag: 'churn#staging#2' }, gates: null, audit: null },
    });
  }, 120_000);

  it('rolls back as a new tag (history kept) and unassigns with name#ENV!#N', async () => {
    for (const [version, to] of [
      ['v1.0.1', 'dev'],
      ['v1.0.2', 'dev'],
    ] as const) {
      const run = await deploy(repo, ['--model', 'churn', '--version', version, '--to', to, '--push']);
      expect(run.exitCode, run.stderr).toBe(0);
    }
    const back = await deploy(repo, ['--model', 'churn', '--rollback', '--to', 'dev', '--push']);
    expect(back.exitCode, back.stderr).toBe(0);
    expect(back.json).toMatchObject({
      action: 'rollback',
      tag: 'churn#dev#6',
      version: 'v1.0.1',
      previous: 'v1.0.2',
    });
    // A second rollback goes one further back, not forth again.
    const back2 = await deploy(repo, ['--model', 'churn', '--rollback', '--to', 'dev', '--push']);
    expect(back2.json).toMatchObject({ tag: 'churn#dev#7', version: 'v1.0.0', previous: 'v1.0.1' });
    const none = await deploy(repo, ['--model', 'churn', '--rollback', '--to', 'dev', '--push']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('churn has no earlier version in dev to roll back to');

    const off = await deploy(repo, ['--model', 'churn', '--unassign', '--to', 'staging', '--push']);
    expect(off.exitCode, off.stderr).toBe(0);
    expect(off.json).toMatchObject({
      action: 'unassign',
      tag: 'churn#staging!#8',
      version: null,
      previous: 'v1.0.0',
    });
    const tags = remoteStageTags(repo);
    expect(tags.has('churn#dev#1') && tags.has('churn#dev#4') && tags.has('churn#staging!#8')).toBe(true);
  }, 120_000);

  it('bad input: unknown environment, unregistered version, missing --to, a path instead of a name', async () => {
    const unknown = await deploy(repo, ['--model', 'churn', '--version', 'v1.0.0', '--to', 'prod']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("unknown environment 'prod'");
    expect(unknown.stderr).toContain("did you mean 'production'?");
    const missing = await deploy(repo, ['--model', 'churn', '--version', 'v9.0.0', '--to', 'dev']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('churn has no version v9.0.0');
    const noTo = await deploy(repo, ['--model', 'churn']);
    expect(noTo.exitCode).toBe(2);
    expect(noTo.stderr).toContain('--to is required');
    const byPath = await deploy(repo, [
      '--model',
      'models/churn/model.onnx',
      '--version',
      'v1.0.2',
      '--to',
      'dev',
      '--dry-run',
    ]);
    expect(byPath.exitCode, byPath.stderr).toBe(0);
    expect(byPath.json).toMatchObject({ dryRun: true, status: 'planned', name: 'churn', tag: 'churn#dev#9' });
    expect(remoteStageTags(repo).has('churn#dev#9')).toBe(false);
  }, 120_000);
});
