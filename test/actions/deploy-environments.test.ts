import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltAction } from '../support/action-runner.js';
import type { RepoWithRemote } from '../support/git-repo.js';
import { startStandIn, type StandIn } from '../support/github-stand-in/index.js';
import { makeRegistry, remoteStageTags } from '../verbs/deploy/deploy-fixture.js';

/**
 * The built deploy action, started as a runner starts it, promotes through three environments,
 * records a GitHub Deployment per promotion (statuses in_progress → success) in a stand-in that
 * checks every request against GitHub's OpenAPI description, refuses a skipped stage, rolls back.
 */
describe('deploy action: dev → staging → production with GitHub Deployments', () => {
  let repo: RepoWithRemote;
  let github: StandIn;
  let commits: string[];

  beforeAll(async () => {
    ({ repo, commits } = await makeRegistry({ versions: 2 }));
    github = await startStandIn({ owner: 'octo-org', repo: 'models' });
    github.state.followTagsOf(repo.remoteDir);
  }, 120_000);
  afterAll(async () => {
    await github.close();
    await repo.cleanup();
  });

  const run = (inputs: Record<string, string>) =>
    runBuiltAction({
      action: 'deploy',
      workspace: repo.dir,
      eventName: 'workflow_dispatch',
      apiUrl: github.url,
      inputs: { model: 'churn', push: 'true', ...inputs },
      extraEnv: repo.env,
    });

  it('promotes stage by stage, one Deployment each, and refuses a skipped stage', async () => {
    const skipped = await run({ version: 'v1.0.1', to: 'staging' });
    expect(skipped.exitCode).not.toBe(0);
    expect(skipped.stdout).toContain('::error::churn v1.0.1 is not in dev, which staging requires first');

    for (const [to, tag] of [
      ['dev', 'churn#dev#1'],
      ['staging', 'churn#staging#2'],
      ['production', 'churn#production#3'],
    ] as const) {
      const result = await run({ to, ...(to === 'dev' ? { version: 'v1.0.1' } : {}) });
      expect(result.exitCode, result.stdout).toBe(0);
      expect(result.outputs).toMatchObject({
        name: 'churn',
        environment: to,
        version: 'v1.0.1',
        tag,
        previous: '',
      });
      expect(JSON.parse(result.outputs.result!)).toMatchObject({
        deployment: { environment: to, state: 'success' },
      });
      expect(result.summary).toContain('### modelops deploy');
    }
    expect([...remoteStageTags(repo).keys()].sort()).toEqual([
      'churn#dev#1',
      'churn#production#3',
      'churn#staging#2',
    ]);

    const deployments = github.state.deployments;
    expect(deployments.map((d) => [d.environment, d.ref, d.sha])).toEqual([
      ['dev', 'churn#dev#1', commits[1]],
      ['staging', 'churn#staging#2', commits[1]],
      ['production', 'churn#production#3', commits[1]],
    ]);
    expect(deployments[0]!.payload).toMatchObject({ model: 'churn', version: 'v1.0.1', tag: 'churn#dev#1' });
    expect((deployments[0]!.payload as { sha256: string }).sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(deployments.map((d) => d.productionEnvironment)).toEqual([false, false, true]);
    for (const d of deployments) {
      const states = github.state.deploymentStatuses
        .filter((s) => s.deploymentId === d.id)
        .map((s) => s.state);
      expect(states).toEqual(['in_progress', 'success']);
    }
    github.assertNoViolations();
  }, 180_000);

  it('rolls production back as a new tag with its own Deployment', async () => {
    // v1.0.0 goes through dev and staging to production, then production is rolled back to v1.0.1.
    for (const to of ['dev', 'staging', 'production']) {
      const result = await run({ to, ...(to === 'dev' ? { version: 'v1.0.0' } : {}) });
      expect(result.exitCode, result.stdout).toBe(0);
    }
    const back = await run({ to: 'production', rollback: 'true' });
    expect(back.exitCode, back.stdout).toBe(0);
    expect(back.outputs).toMatchObject({ tag: 'churn#production#7', version: 'v1.0.1', previous: 'v1.0.0' });
    const last = github.state.deployments.at(-1)!;
    expect([last.environment, last.ref, last.sha]).toEqual(['production', 'churn#production#7', commits[1]]);
    github.assertNoViolations();
  }, 180_000);
});
