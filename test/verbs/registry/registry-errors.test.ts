import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli-runner.js';
import { makeRegistryFixture, type RegistryFixture } from './registry-fixture.js';

/** Bad queries: one line on stderr naming the value and what exists, exit 2, no stack trace. */
describe('modelops registry bad input', () => {
  let fx: RegistryFixture;
  const registry = (args: string[], cwd = fx.repo.dir) =>
    runCli(['registry', ...args], { cwd, env: fx.repo.env });
  const expectOneLine = (run: { exitCode: number; stderr: string; stdout: string }, pattern: RegExp) => {
    expect(run.exitCode).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^modelops registry: error: /);
    expect(lines[0]).toMatch(pattern);
    expect(run.stdout).toBe('');
  };

  beforeAll(async () => {
    fx = await makeRegistryFixture();
  });
  afterAll(async () => fx.repo.cleanup());

  it('an unknown model names it and lists the models', async () => {
    expectOneLine(
      await registry(['show', 'chrun']),
      /model 'chrun' is not in the registry — models in the registry: churn, fraud$/,
    );
    expectOneLine(await registry(['history', 'legacy']), /model 'legacy' is not in the registry/);
  });

  it('an unknown version lists the versions, deregistered ones marked', async () => {
    expectOneLine(
      await registry(['show', 'churn@v1.2.0']),
      /churn has no version v1\.2\.0 — its versions: v1\.0\.0 \(deregistered\), v1\.0\.1, v1\.1\.0$/,
    );
    expectOneLine(await registry(['diff', 'churn@v1.0.0', 'churn@v3.0.0']), /churn has no version v3\.0\.0/);
  });

  it('an unassigned stage lists the stages', async () => {
    expectOneLine(
      await registry(['show', 'churn#canary']),
      /churn has nothing in stage 'canary' — its stages: production=v1\.0\.1, staging=v1\.1\.0$/,
    );
  });

  it('malformed references and queries say how to write them', async () => {
    expectOneLine(
      await registry(['show', 'churn@latest']),
      /'churn@latest' does not name a version — write churn@vX\.Y\.Z/,
    );
    expectOneLine(await registry(['show', 'bad!name']), /invalid model name "bad!name"/);
    expectOneLine(await registry(['lst']), /unknown registry command 'lst' — did you mean 'list'\?/);
    expectOneLine(
      await registry(['diff', 'churn@v1.0.0']),
      /'registry diff' takes 2 arguments, got 1 \(churn@v1\.0\.0\) — usage: modelops registry diff NAME@vA NAME@vB/,
    );
    expectOneLine(await registry(['history', 'churn@v1.0.0']), /'registry history' takes a model name/);
    expectOneLine(await registry(['show']), /'registry show' takes one argument, got 0/);
  });

  it('outside a git repository it says where to run it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelops-not-git-'));
    try {
      expectOneLine(await registry(['list'], dir), /is not inside a git repository/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--json prints the error as one object on stdout', async () => {
    const run = await registry(['show', 'nope', '--json']);
    expect(run.exitCode).toBe(2);
    expect(run.json).toEqual({
      error: {
        kind: 'UsageError',
        message: expect.stringMatching(/^model 'nope' is not in the registry/),
        exitCode: 2,
      },
    });
  });
});
