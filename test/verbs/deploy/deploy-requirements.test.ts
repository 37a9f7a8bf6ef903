import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTagMessage } from '../../../src/core/registry/tag-evidence.js';
import type { RepoWithRemote } from '../../support/git-repo.js';
import { deploy, git, makeRegistry, remoteStageTags } from './deploy-fixture.js';

const CONFIG = `version: 1
gates:
  - metric: accuracy
    min: 0.5
environments:
  - name: dev
  - name: staging
    requires: { gates: all }
  - name: production
    github-environment: Production
    requires: { audit: clean, branches: [main, 'release/*'], soak: 1h }
`;

describe('deploy requirements from modelops.yaml: gates, audit, branches, soak', () => {
  let repo: RepoWithRemote;
  let sha: Record<string, string>;
  const write = (file: string, value: unknown) => writeFileSync(join(repo.dir, file), JSON.stringify(value));
  const evaluate = (sha256: string, status = 'pass') => ({
    name: 'churn',
    sha256,
    verdict: status,
    gates: [{ gate: 'accuracy', metric: 'accuracy', check: 'min', status }],
  });

  beforeAll(async () => {
    ({ repo } = await makeRegistry({ versions: 2, files: { 'modelops.yaml': CONFIG } }));
    sha = {};
    for (const v of ['v1.0.0', 'v1.0.1']) {
      const run = await deploy(repo, ['--model', 'churn', '--version', v, '--to', 'dev', '--push']);
      expect(run.exitCode, run.stderr).toBe(0);
      sha[v] = run.json!.sha256 as string;
    }
  }, 120_000);
  afterAll(async () => repo.cleanup());

  it('staging requires a passing evaluate result about exactly this file', async () => {
    // dev holds v1.0.1 now; v1.0.0 cannot go on.
    const none = await deploy(repo, ['--model', 'churn', '--version', 'v1.0.1', '--to', 'staging']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain(
      'staging requires all gates (accuracy) to have passed for churn v1.0.1, and no evaluate result was given',
    );
    write('failed.json', evaluate(sha['v1.0.1']!, 'fail'));
    const failed = await deploy(repo, ['--model', 'churn', '--to', 'staging', '--evidence', 'failed.json']);
    expect(failed.exitCode).toBe(2);
    expect(failed.stderr).toContain('failed.json has verdict fail, gate accuracy: fail');
    write('other.json', evaluate(sha['v1.0.0']!));
    const other = await deploy(repo, ['--model', 'churn', '--to', 'staging', '--evidence', 'other.json']);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toContain(`--evidence other.json is about sha256 ${sha['v1.0.0']!.slice(0, 12)}`);
    write('bad.json', { hello: 1 });
    const bad = await deploy(repo, ['--model', 'churn', '--to', 'staging', '--evidence', 'bad.json']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('neither an evaluate nor an audit result');
    expect([...remoteStageTags(repo).keys()].some((t) => t.includes('staging'))).toBe(false);

    write('eval.json', evaluate(sha['v1.0.1']!));
    // Tagged two hours ago, so production's soak is met later on.
    const ok = await deploy(
      repo,
      ['--model', 'churn', '--to', 'staging', '--evidence', 'eval.json', '--push'],
      {
        GIT_COMMITTER_DATE: new Date(Date.now() - 2 * 3_600_000).toISOString(),
      },
    );
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({
      tag: 'churn#staging#3',
      version: 'v1.0.1',
      checks: { gates: { required: ['accuracy'], passed: { accuracy: 'pass' }, file: 'eval.json' } },
    });
    const evidence = parseTagMessage(git(repo, ['tag', '-l', '--format=%(contents)', 'churn#staging#3']));
    expect(evidence).toMatchObject({
      checks: { gates: { digest: expect.stringMatching(/^[0-9a-f]{64}$/) } },
    });
  }, 120_000);

  it('production: branch rule, then soak, then a clean audit', async () => {
    const branch = await deploy(repo, ['--model', 'churn', '--to', 'production'], {
      GITHUB_REF: 'refs/heads/feature/x',
    });
    expect(branch.exitCode).toBe(2);
    expect(branch.stderr).toContain(
      'production accepts deploys from main, release/* only; this run is on feature/x',
    );

    const noAudit = await deploy(repo, ['--model', 'churn', '--to', 'production'], {
      GITHUB_REF: 'refs/heads/release/2026-05',
    });
    expect(noAudit.exitCode).toBe(2);
    expect(noAudit.stderr).toContain(
      'production requires a clean audit of churn v1.0.1, and no audit result was given',
    );

    write('dirty.json', {
      verdict: 'malicious',
      failed: true,
      files: [{ path: 'models/churn/model.onnx', sha256: sha['v1.0.1'], verdict: 'malicious' }],
    });
    const dirty = await deploy(repo, ['--model', 'churn', '--to', 'production', '--evidence', 'dirty.json']);
    expect(dirty.exitCode).toBe(2);
    expect(dirty.stderr).toContain('dirty.json says malicious');

    write('audit.json', {
      verdict: 'clean',
      failed: false,
      files: [{ path: 'models/churn/model.onnx', sha256: sha['v1.0.1'], verdict: 'clean' }],
    });
    const ok = await deploy(repo, [
      '--model',
      'churn',
      '--to',
      'production',
      '--evidence',
      'audit.json',
      '--push',
    ]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({
      tag: 'churn#production#4',
      version: 'v1.0.1',
      checks: { audit: { verdict: 'clean', file: 'audit.json' }, soakMs: 3_600_000, branch: 'main' },
    });

    // A fresh staging assignment has not soaked: v1.0.0 back through dev and staging, then refused.
    await deploy(repo, ['--model', 'churn', '--version', 'v1.0.0', '--to', 'dev', '--push']);
    write('eval0.json', evaluate(sha['v1.0.0']!));
    const staged = await deploy(repo, [
      '--model',
      'churn',
      '--to',
      'staging',
      '--evidence',
      'eval0.json',
      '--push',
    ]);
    expect(staged.exitCode, staged.stderr).toBe(0);
    write('audit0.json', { verdict: 'clean', files: [{ sha256: sha['v1.0.0'], verdict: 'clean' }] });
    const early = await deploy(repo, ['--model', 'churn', '--to', 'production', '--evidence', 'audit0.json']);
    expect(early.exitCode).toBe(2);
    expect(early.stderr).toMatch(
      /churn v1\.0\.0 has been in staging for \d+s; production requires 1h \(requires\.soak\) — promote it after 20/,
    );
  }, 120_000);
});
