import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argvInputSource } from '../../../src/cli/argv-inputs.js';
import { createSession } from '../../../src/platform/runtime/index.js';
import { createEvaluateVerb } from '../../../src/verbs/evaluate/definition.js';
import { EVALUATE_INPUTS } from '../../../src/verbs/evaluate/inputs.js';
import { parseInputs } from '../../../src/verbs/parse-inputs.js';
import { makeRepoWithRemote, type RepoWithRemote, type TestClone } from '../../support/git-repo.js';
import { linearModelBytes } from '../../support/models.js';
import { localDeps, memorySource, randoms } from './helpers.js';

const MODEL = 'models/churn/model.onnx';
const table = (() => {
  const next = randoms(11);
  const t: Record<string, number[]> = { a: [], b: [], c: [], d: [], label: [] };
  for (let r = 0; r < 300; r++) {
    const x = [0, 1, 2, 3].map(() => next() * 2 - 1);
    x.forEach((v, i) => t['abcd'[i]!]!.push(v));
    t.label!.push(0.1 * x[0]! + 0.2 * x[1]! + 0.3 * x[2]! + 0.4 * x[3]! > 0 ? 1 : 0);
  }
  return t;
})();
const verb = createEvaluateVerb({
  openDataset: async () => () => memorySource(table),
  createSession: async () => createSession,
});
const run = (clone: TestClone, argv: string[], env: Record<string, string> = {}) =>
  verb.run(
    parseInputs('evaluate', EVALUATE_INPUTS, argvInputSource('evaluate', EVALUATE_INPUTS, argv).source),
    { ...localDeps(clone.dir), env },
  );

/**
 * Baselines from the registry: tags fetched from a bare file:// remote, the model read at the
 * tagged commit from Git LFS (smudged from the remote when the clone never had the object).
 */
describe('evaluate baselines from the git + LFS registry', () => {
  let repo: RepoWithRemote;
  let fresh: TestClone;
  let v1: string;
  let base: string;

  beforeAll(async () => {
    repo = await makeRepoWithRemote({ lfs: true });
    await repo.commit(
      { '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n', 'data.csv': '' },
      'init',
    );
    v1 = await repo.commit({ [MODEL]: linearModelBytes({ weights: [-0.1, -0.2, -0.3, -0.4] }) }, 'v1: bad');
    await repo.git.createAnnotatedTag('churn@v1.0.0', v1, 'Register churn v1.0.0');
    base = await repo.commit({ [MODEL]: linearModelBytes({ weights: [0.1, 0.2, 0.3, 0.35] }) }, 'v2: good');
    await repo.git.createAnnotatedTag('churn@v1.0.1', base, 'Register churn v1.0.1');
    await repo.git.run(['push', '--quiet', 'origin', 'main', '--tags']);
    fresh = await repo.clone('fresh');
    // The PR: the model changes again (the candidate is the original weights).
    await fresh.commit({ [MODEL]: linearModelBytes() }, 'candidate');
    // The clone has only the objects of its own checkout: v1's LFS object must come from the remote.
    await fresh.git.run(['lfs', 'prune', '--force']).catch(() => undefined);
  });
  afterAll(async () => repo.cleanup());

  it('NAME@vX.Y.Z reads the registered version at its commit', async () => {
    const outcome = await run(fresh, ['--model', MODEL, '--data', 'data.csv', '--baseline', 'churn@v1.0.0']);
    const result = outcome.result as {
      baseline: { label: string; metrics: Record<string, number> };
      metrics: Record<string, number>;
    };
    expect(result.baseline.label).toBe('churn@v1.0.0');
    expect(result.baseline.metrics.accuracy).toBeLessThan(0.1);
    expect(result.metrics.accuracy).toBe(1);
  });

  it('NAME#ENV reads the assigned version; an unknown version names the known ones', async () => {
    await repo.git.createAnnotatedTag('churn#production#3', base, 'Assign churn v1.0.1 to production');
    await repo.git.run(['push', '--quiet', 'origin', 'churn#production#3']);
    const outcome = await run(fresh, [
      '--model',
      MODEL,
      '--data',
      'data.csv',
      '--baseline',
      'churn#production',
    ]);
    expect((outcome.result as { baseline: { label: string } }).baseline.label).toBe(
      'churn#production (v1.0.1)',
    );
    await expect(
      run(fresh, ['--model', MODEL, '--data', 'data.csv', '--baseline', 'churn@v9.0.0']),
    ).rejects.toThrow(/churn@v9\.0\.0 is not in the registry \(versions: v1\.0\.0, v1\.0\.1\)/);
  });

  it('in a pull request without --baseline: the production assignment, else the model at the base commit', async () => {
    const event = join(fresh.dir, '..', 'event.json');
    await writeFile(event, JSON.stringify({ pull_request: { number: 3, base: { sha: v1 } } }));
    const env = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event };
    const deployed = await run(fresh, ['--model', MODEL, '--data', 'data.csv'], env);
    expect((deployed.result as { baseline: { label: string } }).baseline.label).toBe(
      'churn#production (v1.0.1)',
    );
    const staging = await run(
      fresh,
      ['--model', MODEL, '--data', 'data.csv', '--environment', 'staging'],
      env,
    );
    expect((staging.result as { baseline: { label: string } }).baseline.label).toBe(
      `${MODEL} at base ${v1.slice(0, 12)}`,
    );
  });
});
