// The built CLI as a user runs it: exit codes 0/1/2, --json, SARIF to a file, directory walks,
// strict mode and the sha256 allowlist from modelops.yaml.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GitCli } from '../../../src/platform/git/git.js';
import { runCli } from '../../support/cli-runner.js';
import { benignPickle, callPickle, P } from '../../core/audit/pickle-writer.js';
import { VALIDATORS } from '../../core/audit/sarif-schema.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelops-audit-'));
  mkdirSync(join(dir, 'models/clean'), { recursive: true });
  mkdirSync(join(dir, 'models/bad'), { recursive: true });
  writeFileSync(join(dir, 'models/clean/model.pkl'), benignPickle());
  writeFileSync(join(dir, 'models/clean/README.md'), '# not a model\n');
  writeFileSync(join(dir, 'models/bad/model.pt'), callPickle('os', 'system', 'id'));
  writeFileSync(
    join(dir, 'counter.pkl'),
    new P().proto(2).global('collections', 'Counter').emptyTuple().reduce().stop().bytes(),
  );
  writeFileSync(join(dir, 'broken.pt'), Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'));
});

describe('modelops audit', () => {
  it('exit 0 on clean files, 1 on malicious ones, 2 on unscannable ones', async () => {
    expect((await runCli(['audit', 'models/clean'], { cwd: dir })).exitCode).toBe(0);
    const bad = await runCli(['audit', 'models/bad/model.pt'], { cwd: dir });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain('PICKLE-DANGEROUS-GLOBAL');
    expect(bad.stdout).toContain('os.system');
    expect((await runCli(['audit', 'broken.pt'], { cwd: dir })).exitCode).toBe(2);
  });

  it('walks models/ by default and lists every model file in --json', async () => {
    const run = await runCli(['audit', '--json'], { cwd: dir });
    expect(run.exitCode).toBe(1);
    const reports = run.json!.files as Array<{ path: string; verdict: string; sha256: string }>;
    expect(reports.map((f) => [f.path, f.verdict])).toEqual([
      ['models/bad/model.pt', 'malicious'],
      ['models/clean/model.pkl', 'clean'],
    ]);
    // Every report names the bytes it judged (deploy accepts an audit only for that sha256).
    const expected = createHash('sha256')
      .update(readFileSync(join(dir, 'models/clean/model.pkl')))
      .digest('hex');
    expect(reports[1]!.sha256).toBe(expected);
  });

  it('unknown globals are suspicious and fail only with --strict', async () => {
    expect((await runCli(['audit', 'counter.pkl'], { cwd: dir })).exitCode).toBe(0);
    expect((await runCli(['audit', 'counter.pkl', '--strict'], { cwd: dir })).exitCode).toBe(1);
  });

  it('writes SARIF to --report-file', async () => {
    const run = await runCli(['audit', 'models', '--format', 'sarif', '--report-file', 'audit.sarif'], {
      cwd: dir,
    });
    expect(run.exitCode).toBe(1);
    const sarif = JSON.parse(readFileSync(join(dir, 'audit.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0].ruleId).toBe('PICKLE-DANGEROUS-GLOBAL');
    // The file the CLI wrote, against the official SARIF 2.1.0 schema.
    for (const [name, validate] of VALIDATORS) expect(validate(sarif).errors, name).toEqual([]);
  });

  it('SARIF URIs are relative to the repository root, wherever audit runs', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'modelops-audit-git-'));
    const env = { GIT_CONFIG_GLOBAL: join(repo, 'no-gitconfig'), GIT_CONFIG_NOSYSTEM: '1' };
    await new GitCli({ cwd: repo, env }).run(['init', '--quiet']);
    mkdirSync(join(repo, 'models/bad'), { recursive: true });
    writeFileSync(join(repo, 'models/bad/model.pt'), callPickle('os', 'system', 'id'));
    const run = await runCli(['audit', 'bad', '--format', 'sarif', '--report-file', '../audit.sarif'], {
      cwd: join(repo, 'models'),
      env,
    });
    expect(run.exitCode).toBe(1);
    const result = JSON.parse(readFileSync(join(repo, 'audit.sarif'), 'utf8')).runs[0].results[0];
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'models/bad/model.pt' },
      region: { startLine: 1, byteOffset: expect.any(Number), byteLength: 1 },
    });
  });

  it('a sha256 allowlisted in modelops.yaml does not fail the run', async () => {
    const sha = createHash('sha256')
      .update(readFileSync(join(dir, 'models/bad/model.pt')))
      .digest('hex');
    const sub = mkdtempSync(join(tmpdir(), 'modelops-audit-allow-'));
    writeFileSync(join(sub, 'model.pt'), readFileSync(join(dir, 'models/bad/model.pt')));
    writeFileSync(
      join(sub, 'modelops.yaml'),
      `version: 1\naudit:\n  allowlist:\n    - sha256: ${sha}\n      reason: reviewed test fixture\n`,
    );
    const run = await runCli(['audit', 'model.pt', '--json'], { cwd: sub });
    expect(run.exitCode).toBe(0);
    expect((run.json!.files as Array<{ allowlisted?: { reason: string } }>)[0]!.allowlisted?.reason).toBe(
      'reviewed test fixture',
    );
  });

  it('bad input exits 2 with a message naming the value', async () => {
    const run = await runCli(['audit', 'x', '--format', 'xml'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("--format must be one of text, json, sarif, got 'xml'");
    expect((await runCli(['audit', 'missing.pt'], { cwd: dir })).stderr).toContain(
      "path 'missing.pt' does not exist",
    );
  });
});
