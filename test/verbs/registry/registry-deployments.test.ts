import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli-runner.js';
import type { RepoWithRemote } from '../../support/git-repo.js';
import { deploy, makeRegistry } from '../deploy/deploy-fixture.js';

describe('registry show: the deployment history per environment from the stage tags', () => {
  let repo: RepoWithRemote;
  beforeAll(async () => {
    ({ repo } = await makeRegistry({
      versions: 2,
      files: {
        'modelops.yaml':
          'version: 1\nenvironments:\n  - name: dev\n  - name: staging\n    requires: { audit: clean }\n',
        'audit.json': JSON.stringify({ verdict: 'clean', files: [] }),
      },
    }));
    const steps: string[][] = [
      ['--version', 'v1.0.0', '--to', 'dev'],
      ['--to', 'staging', '--evidence', 'audit.json'],
      ['--version', 'v1.0.1', '--to', 'dev'],
      ['--to', 'staging', '--evidence', 'audit.json'],
      ['--rollback', '--to', 'staging'],
      ['--unassign', '--to', 'dev'],
    ];
    for (const step of steps) {
      const run = await deploy(repo, ['--model', 'churn', '--push', ...step]);
      if (run.exitCode !== 0) throw new Error(`${step.join(' ')}: ${run.stderr}`);
    }
  }, 180_000);
  afterAll(async () => repo.cleanup());

  it('--json lists promotions, the rollback and the unassign with actor, time and evidence', async () => {
    const run = await runCli(['registry', 'show', 'churn', '--json', '--no-progress'], {
      cwd: repo.dir,
      env: repo.env,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const deployments = run.json!.deployments as {
      environment: string;
      current: string | null;
      events: Record<string, unknown>[];
    }[];
    expect(deployments.map((d) => [d.environment, d.current])).toEqual([
      ['dev', null],
      ['staging', 'v1.0.0'],
    ]);
    const dev = deployments[0]!.events;
    const staging = deployments[1]!.events;
    expect(dev.map((e) => [e.counter, e.action, e.from, e.version, e.tag])).toEqual([
      [1, 'promote', null, 'v1.0.0', 'churn#dev#1'],
      [3, 'promote', 'v1.0.0', 'v1.0.1', 'churn#dev#3'],
      [6, 'unassign', 'v1.0.1', null, 'churn#dev!#6'],
    ]);
    expect(staging.map((e) => [e.counter, e.action, e.from, e.version, e.evidence])).toEqual([
      [2, 'promote', null, 'v1.0.0', 'was in dev; audit clean'],
      [4, 'promote', 'v1.0.0', 'v1.0.1', 'was in dev; audit clean'],
      [5, 'rollback', 'v1.0.1', 'v1.0.0', 'rollback'],
    ]);
    for (const e of [...dev, ...staging]) {
      expect(e.actor).toEqual(expect.any(String));
      expect(e.date).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
  }, 60_000);

  it('the text and the job summary show the same history', async () => {
    const run = await runCli(
      ['registry', 'show', 'churn@v1.0.0', '--no-progress', '--summary-file', 'summary.md'],
      {
        cwd: repo.dir,
        env: repo.env,
      },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /deployments of churn:\n\s+dev: nothing now\n\s+#1 promote — → v1\.0\.0 by .+ at .+ \(churn#dev#1\) — no requirements/,
    );
    expect(run.stdout).toMatch(/#5 rollback v1\.0\.1 → v1\.0\.0 by .+ \(churn#staging#5\) — rollback/);
    expect(run.stdout).toMatch(/#6 unassign \(held v1\.0\.1\) by .+ \(churn#dev!#6\)/);
    const summary = readFileSync(`${repo.dir}/summary.md`, 'utf8');
    expect(summary).toContain('#### Deployments of churn');
    expect(summary).toMatch(/\| staging \| 5 \| rollback \| v1\.0\.1 → v1\.0\.0 \|/);
  }, 60_000);
});
