import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTag } from '../../src/core/registry/tag-grammar.js';
import { runBuiltAction } from '../support/action-runner.js';
import type { RepoWithRemote, TestClone } from '../support/git-repo.js';
import { startStandIn, type StandIn } from '../support/github-stand-in/index.js';
import { makeRegistry, remoteStageTags } from '../verbs/deploy/deploy-fixture.js';

const RUNS = 10;
// No order between the environments, so the runs race on different tag names and only the
// counter claim keeps their counters apart.
const CONFIG = `version: 1
environments:
  - name: dev
  - name: qa
    requires: { previous: false }
  - name: canary
    requires: { previous: false }
`;

/**
 * Ten workflow runs of the built deploy action at once, each in its own checkout, against one
 * bare remote and the GitHub stand-in: every run lands one stage tag with its own counter and one
 * Deployment whose ref is that tag; none is lost or duplicated.
 */
describe('deploy action: 10 concurrent runs', () => {
  let repo: RepoWithRemote;
  let commits: string[];
  let github: StandIn;
  const clones: TestClone[] = [];

  beforeAll(async () => {
    ({ repo, commits } = await makeRegistry({ versions: RUNS, files: { 'modelops.yaml': CONFIG } }));
    for (let i = 0; i < RUNS; i++) clones.push(await repo.clone(`runner-${i}`));
    github = await startStandIn({ owner: 'octo-org', repo: 'models' });
    github.state.followTagsOf(repo.remoteDir);
  }, 240_000);
  afterAll(async () => {
    await github.close();
    await repo.cleanup();
  });

  it('wins the race cleanly: counters 1..10, one Deployment per tag, statuses in order', async () => {
    const envs = ['dev', 'qa', 'canary'];
    const runs = await Promise.all(
      clones.map((clone, i) =>
        runBuiltAction({
          action: 'deploy',
          workspace: clone.dir,
          eventName: 'workflow_dispatch',
          apiUrl: github.url,
          inputs: { model: 'churn', version: `v1.0.${i}`, to: envs[i % 3]!, push: 'true' },
          extraEnv: repo.env,
        }),
      ),
    );
    for (const run of runs) expect(run.exitCode, run.stdout).toBe(0);
    const tags = runs.map((r) => r.outputs.tag!);
    expect([...remoteStageTags(repo).keys()].sort()).toEqual([...tags].sort());
    expect(tags.map((t) => parseTag(t)!.counter).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: RUNS }, (_, i) => i + 1),
    );
    runs.forEach((run, i) => {
      expect(run.outputs).toMatchObject({ environment: envs[i % 3], version: `v1.0.${i}` });
      expect(JSON.parse(run.outputs.result!)).toMatchObject({ deployment: { state: 'success' } });
    });

    const deployments = github.state.deployments;
    expect(deployments).toHaveLength(RUNS);
    expect(deployments.map((d) => d.ref).sort()).toEqual([...tags].sort());
    for (const d of deployments) {
      const i = tags.indexOf(d.ref);
      expect([d.environment, d.sha]).toEqual([envs[i % 3], commits[i]]);
      // GitHub's auto_inactive marks earlier deployments of an environment inactive (whenever a
      // later one succeeds, so its place in the list depends on the race); the newest stays success.
      const states = github.state.deploymentStatuses
        .filter((s) => s.deploymentId === d.id)
        .map((s) => s.state);
      expect(states.filter((s) => s !== 'inactive')).toEqual(['in_progress', 'success']);
      const newest = deployments.filter((x) => x.environment === d.environment).at(-1) === d;
      if (newest) expect(states).not.toContain('inactive');
    }
    github.assertNoViolations();
  }, 300_000);
});
