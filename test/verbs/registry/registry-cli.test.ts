import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli-runner.js';
import type { TestClone } from '../../support/git-repo.js';
import { makeRegistryFixture, type RegistryFixture } from './registry-fixture.js';

describe('modelops registry (CLI, real git + LFS, tags made by modelops version and by hand)', () => {
  let fx: RegistryFixture;
  let reader: TestClone;
  const registry = (args: string[], cwd = reader.dir) =>
    runCli(['registry', ...args], { cwd, env: fx.repo.env });

  beforeAll(async () => {
    fx = await makeRegistryFixture();
    // A fresh clone reads the registry as a teammate would.
    reader = await fx.repo.clone('reader');
  });
  afterAll(async () => fx.repo.cleanup());

  it('list: latest version, status and each stage by counter, with the lightweight-tag warning', async () => {
    const run = await registry(['list', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const [c1, c2, c3] = fx.commits;
    expect(run.json).toEqual({
      command: 'list',
      models: [
        {
          name: 'churn',
          latest: 'v1.1.0',
          status: 'active',
          versions: 3,
          deregistered: 1,
          stages: [
            { stage: 'production', version: 'v1.0.1', counter: 4, tag: 'churn#production#4', commit: c2 },
            { stage: 'staging', version: 'v1.1.0', counter: 3, tag: 'churn#staging#3', commit: c3 },
          ],
        },
        { name: 'fraud', latest: 'v1.0.0', status: 'deprecated', versions: 1, deregistered: 0, stages: [] },
      ],
      warnings: [
        {
          tag: 'legacy@v0.1.0',
          message: expect.stringContaining(
            `lightweight tag and is ignored by the registry; recreate it annotated: git tag -d legacy@v0.1.0 && git tag -a legacy@v0.1.0 ${c1}`,
          ),
        },
      ],
    });

    const text = await registry(['list']);
    expect(text.exitCode).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^MODEL\s+LATEST\s+STATUS\s+VERSIONS\s+STAGES$/);
    expect(lines[1]).toMatch(
      /^churn\s+v1\.1\.0\s+active\s+2 \(\+1 deregistered\)\s+production=v1\.0\.1, staging=v1\.1\.0$/,
    );
    expect(lines[2]).toMatch(/^fraud\s+v1\.0\.0\s+deprecated\s+1\s+—$/);
    expect(lines[3]).toMatch(/^warning: tag "legacy@v0\.1\.0" is a lightweight tag/);
  });

  it('show: the evidence of the latest version, its stages and its parent', async () => {
    const run = await registry(['show', 'churn', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const registered = fx.versions[2]!;
    expect(run.json).toMatchObject({
      command: 'show',
      name: 'churn',
      version: 'v1.1.0',
      tag: 'churn@v1.1.0',
      via: null,
      status: 'registered',
      deprecated: false,
      evidence: true,
      sha256: registered.sha256,
      size: registered.size,
      format: 'onnx',
      bump: 'minor',
      changes: registered.changes,
      actor: 'Test Runner',
      commit: fx.commits[2],
      stages: ['staging'],
      lineage: { parent: 'v1.0.1', next: null },
      deregisteredBy: null,
    });
    expect((run.json!.changes as string[]).join('\n')).toMatch(/minor: output "logit" added/);
    expect(run.json!.signature).toMatchObject({
      inputs: [{ name: 'features', elementType: 'float', shape: ['batch', 4] }],
    });
    expect(run.json!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('show NAME#stage follows the counter, not the newest tag date', async () => {
    const run = await registry(['show', 'churn#production', '--json']);
    expect(run.json).toMatchObject({
      version: 'v1.0.1',
      via: 'churn#production',
      stages: ['production'],
      commit: fx.commits[1],
      sha256: fx.versions[1]!.sha256,
      lineage: { parent: 'v1.0.0', next: 'v1.1.0' },
    });
    const text = await registry(['show', 'churn#production']);
    expect(text.stdout).toMatch(/^churn v1\.0\.1 — registered \(churn@v1\.0\.1\) via churn#production\n/);
    expect(text.stdout).toMatch(/\n {2}parent {8}v1\.0\.0\n/);
    expect(text.stdout).toMatch(/\n {2}signature {5}input features: float \[batch, 4\]\n/);
  });

  it('show NAME@vX.Y.Z of a deregistered version says so and by which tag', async () => {
    const run = await registry(['show', 'churn@v1.0.0', '--json']);
    expect(run.json).toMatchObject({
      version: 'v1.0.0',
      status: 'deregistered',
      tag: 'churn@v1.0.0',
      stages: [],
      lineage: { parent: null, next: 'v1.0.1' },
      deregisteredBy: { tag: 'churn@v1.0.0!#5', actor: 'Test Runner' },
    });
    const text = await registry(['show', 'churn@1.0.0']);
    expect(text.stdout).toMatch(/^churn v1\.0\.0 — deregistered \(churn@v1\.0\.0\)/);
    expect(text.stdout).toMatch(/deregistered {2}churn@v1\.0\.0!#5 on \S+ by Test Runner/);
  });

  it('history: every event in registry order (counter, then date) with actor and commit', async () => {
    const run = await registry(['history', 'churn', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const events = run.json!.events as Record<string, unknown>[];
    const [c1, c2, c3] = fx.commits;
    expect(events.map((e) => [e.counter, e.event, e.version, e.stage, e.tag, e.commit])).toEqual([
      [null, 'register', 'v1.0.0', null, 'churn@v1.0.0', c1],
      [null, 'register', 'v1.0.1', null, 'churn@v1.0.1', c2],
      [null, 'register', 'v1.1.0', null, 'churn@v1.1.0', c3],
      [1, 'assign', 'v1.0.0', 'staging', 'churn#staging#1', c1],
      [2, 'assign', 'v1.0.0', 'production', 'churn#production#2', c1],
      [3, 'assign', 'v1.1.0', 'staging', 'churn#staging#3', c3],
      [4, 'assign', 'v1.0.1', 'production', 'churn#production#4', c2],
      [5, 'deregister', 'v1.0.0', null, 'churn@v1.0.0!#5', c1],
    ]);
    expect(events.every((e) => e.actor === 'Test Runner')).toBe(true);
    // The dates disagree with the counters, and the counters win.
    expect(Date.parse(events[6]!.date as string)).toBeLessThan(Date.parse(events[3]!.date as string));

    const fraud = await registry(['history', 'fraud', '--json']);
    expect(fraud.json).toMatchObject({ deprecated: true });
    expect((fraud.json!.events as { event: string }[]).map((e) => e.event)).toEqual([
      'register',
      'deprecate',
    ]);
    const text = await registry(['history', 'churn']);
    expect(text.stdout.split('\n')[0]).toBe('churn: 8 event(s)');
    expect(text.stdout).toMatch(
      /\n4\s+2025-12-01T00:00:00Z?\S*\s+assign\s+production v1\.0\.1\s+Test Runner\s+/,
    );
  });

  it('diff: signature lines and implied bump, size delta, sha256 change', async () => {
    const [, v101, v110] = fx.versions as [unknown, Record<string, unknown>, Record<string, unknown>];
    const run = await registry(['diff', 'churn@v1.0.1', 'churn@v1.1.0', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toEqual({
      command: 'diff',
      name: 'churn',
      from: { name: 'churn', version: 'v1.0.1', tag: 'churn@v1.0.1', status: 'registered' },
      to: { name: 'churn', version: 'v1.1.0', tag: 'churn@v1.1.0', status: 'registered' },
      bump: 'minor',
      changes: v110.changes,
      sha256: { from: v101.sha256, to: v110.sha256, changed: true },
      size: {
        from: v101.size,
        to: v110.size,
        changed: true,
        delta: (v110.size as number) - (v101.size as number),
      },
      notes: [],
    });
    expect(run.json!.changes).toEqual([
      expect.stringMatching(/^minor: output "logit" added \(float \[batch, 1\]\)$/),
    ]);

    const weights = await registry(['diff', 'churn@v1.0.0', 'churn#production', '--json']);
    expect(weights.json).toMatchObject({ bump: 'patch', changes: [], sha256: { changed: true } });

    const text = await registry(['diff', 'churn#production', 'churn#staging']);
    expect(text.stdout).toMatch(/^churn v1\.0\.1 → churn v1\.1\.0: minor\n/);
    expect(text.stdout).toMatch(/\n {2}minor: output "logit" added/);
    expect(text.stdout).toMatch(/\n {2}size {5}\d+ → \d+ \(\+\d+ bytes\)/);
  });

  it('fetches tags from the remote by default; --no-fetch reads local tags only', async () => {
    fx.tagAt('churn#staging#6', fx.commits[1], '2026-04-01T00:00:00Z');
    fx.git(['push', '-q', 'origin', 'churn#staging#6']);
    const local = await registry(['show', 'churn#staging', '--no-fetch', '--json']);
    expect(local.json).toMatchObject({ version: 'v1.1.0' });
    const fetched = await registry(['show', 'churn#staging', '--json']);
    expect(fetched.json).toMatchObject({ version: 'v1.0.1', stages: ['production', 'staging'] });
  });
});
