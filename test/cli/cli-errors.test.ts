import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-runner.js';
import { makeRepoWithRemote, type RepoWithRemote } from '../support/git-repo.js';
import { linearModelBytes } from '../support/models.js';

/** Bad input of every kind: one line on stderr, exit 2, no stack trace, nothing on stdout but --json's error. */
describe('CLI bad input', () => {
  let repo: RepoWithRemote;
  const cli = (args: string[]) => runCli(args, { cwd: repo.dir, env: repo.env });
  const expectOneLine = (run: { exitCode: number; stderr: string }, pattern: RegExp) => {
    expect(run.exitCode).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  };

  beforeAll(async () => {
    repo = await makeRepoWithRemote({ lfs: true });
    const whole = linearModelBytes();
    await repo.commit({
      '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n',
      'models/churn/model.onnx': whole,
      'models/cut/model.onnx': whole.subarray(0, Math.floor(whole.length / 2)),
    });
  });
  afterAll(async () => repo.cleanup());

  it('an unknown verb suggests the right one', async () => {
    expectOneLine(
      await cli(['versoin']),
      /^modelops: error: unknown verb 'versoin' — did you mean 'version'\?/,
    );
  });

  it('a wrong flag suggests the right one', async () => {
    expectOneLine(
      await cli(['version', '--dryrun']),
      /unknown flag --dryrun for 'modelops version' — did you mean --dry-run\?/,
    );
  });

  it('a missing model file names the path', async () => {
    expectOneLine(
      await cli(['version', '--model', 'models/nope/model.onnx']),
      /model file not found: models\/nope\/model\.onnx/,
    );
  });

  it('a truncated ONNX file names the file and says how to fix it', async () => {
    const run = await cli(['version', '--model', 'models/cut/model.onnx', '--dry-run']);
    expectOneLine(run, /models\/cut\/model\.onnx.*(truncated|corrupt|not .*ONNX)/i);
  });

  it('a bad modelops.yaml points at file:line:column', async () => {
    await writeFile(
      join(repo.dir, 'modelops.yaml'),
      'version: 1\nmodels:\n  churn:\n    pathh: models/churn/model.onnx\n',
    );
    const run = await cli(['version', '--model', 'models/churn/model.onnx', '--dry-run']);
    expectOneLine(run, /modelops\.yaml:4:5: .*pathh/);
  });

  it('a YAML alias bomb is refused quickly', async () => {
    const bomb = ['version: 1', 'x-a: &a [1,1,1,1,1,1,1,1,1,1]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `x-${i}: &b${i} [${Array(10)
          .fill(i === 0 ? '*a' : `*b${i - 1}`)
          .join(',')}]`,
      );
    await writeFile(join(repo.dir, 'modelops.yaml'), bomb.join('\n') + '\n');
    // A hang or a memory blow-up would fail through the test timeout; the message is asserted here.
    const run = await cli(['version', '--model', 'models/churn/model.onnx', '--dry-run']);
    expectOneLine(run, /modelops\.yaml:\d+:\d+: .*alias/i);
  });

  it('--json also prints the error as one object on stdout', async () => {
    await rm(join(repo.dir, 'modelops.yaml'));
    const run = await cli(['version', '--model', 'models/nope/model.onnx', '--json']);
    expect(run.exitCode).toBe(2);
    expect(run.json).toEqual({
      error: { kind: 'UsageError', message: expect.stringContaining('model file not found'), exitCode: 2 },
    });
  });
});
