import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltAction } from '../../support/action-runner.js';
import { makeRegistryFixture, type RegistryFixture } from './registry-fixture.js';

describe('the built registry action, run as a runner runs it (Node 24, copy without node_modules)', () => {
  let fx: RegistryFixture;

  beforeAll(async () => {
    fx = await makeRegistryFixture();
  });
  afterAll(async () => fx.repo.cleanup());

  it('answers a one-line query: outputs, result JSON and the job summary', async () => {
    const run = await runBuiltAction({
      action: 'registry',
      workspace: fx.repo.dir,
      inputs: { query: 'show churn#staging' },
      extraEnv: fx.repo.env,
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ name: 'churn', version: 'v1.1.0', tag: 'churn@v1.1.0' });
    expect(JSON.parse(run.outputs.result!)).toMatchObject({
      command: 'show',
      via: 'churn#staging',
      sha256: fx.versions[2]!.sha256,
    });
    expect(run.summary).toContain('### modelops registry: churn v1.1.0');
  });

  it('the root action lists the registry with command: registry', async () => {
    const run = await runBuiltAction({
      action: 'main',
      workspace: fx.repo.dir,
      inputs: { command: 'registry' },
      extraEnv: fx.repo.env,
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const result = JSON.parse(run.outputs.result!);
    expect(result.models.map((m: { name: string }) => m.name)).toEqual(['churn', 'fraud']);
    expect(run.summary).toContain('| churn | v1.1.0 | active | production v1.0.1, staging v1.1.0 |');
  });
});
