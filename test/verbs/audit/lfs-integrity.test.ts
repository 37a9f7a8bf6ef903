// LFS pointer vs content, with real git and git-lfs: what audit scanned must be what HEAD commits.
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli-runner.js';
import { makeRepoWithRemote, type RepoWithRemote } from '../../support/git-repo.js';
import { benignPickle, callPickle } from '../../core/audit/pickle-writer.js';

const MODEL = 'models/m.pkl';
const BENIGN = benignPickle();
const OID = createHash('sha256').update(BENIGN).digest('hex');

interface Report {
  path: string;
  format: string;
  verdict: string;
  findings: Array<{ rule: string; severity: string; message: string }>;
  unscanned: string[];
  lfs?: { oid: string; content: string };
}

describe('audit: Git LFS pointer vs content', () => {
  let repo: RepoWithRemote;
  let pointer: Buffer;
  const object = () => join(repo.dir, '.git/lfs/objects', OID.slice(0, 2), OID.slice(2, 4), OID);
  const audit = async () => {
    const run = await runCli(['audit', MODEL, '--json'], { cwd: repo.dir, env: repo.env });
    return { exitCode: run.exitCode, file: (run.json!.files as Report[])[0]! };
  };

  beforeAll(async () => {
    repo = await makeRepoWithRemote({ lfs: true });
    await repo.commit({ '.gitattributes': '*.pkl filter=lfs diff=lfs merge=lfs -text\n', [MODEL]: BENIGN });
    pointer = await repo.git.showFile('HEAD', MODEL);
    expect(pointer.toString()).toContain(`oid sha256:${OID}`);
  });
  afterAll(() => repo.cleanup());

  it('checked-out content matching the committed pointer is clean and carries the oid', async () => {
    const { exitCode, file } = await audit();
    expect(exitCode).toBe(0);
    expect(file).toMatchObject({
      verdict: 'clean',
      format: 'pickle',
      lfs: { oid: OID, content: 'working-tree' },
    });
  });

  it('content that differs from the pointer at HEAD is an integrity finding', async () => {
    writeFileSync(join(repo.dir, MODEL), callPickle('os', 'system'));
    const { exitCode, file } = await audit();
    expect(exitCode).toBe(1);
    expect(file.verdict).toBe('malicious');
    const integrity = file.findings.find((f) => f.rule === 'LFS-INTEGRITY')!;
    expect(integrity.severity).toBe('high');
    expect(integrity.message).toContain(`oid ${OID}`);
    expect(file.findings.map((f) => f.rule)).toContain('PICKLE-DANGEROUS-GLOBAL');
  });

  it('a pointer whose object is in .git/lfs/objects: the object is scanned and verified', async () => {
    writeFileSync(join(repo.dir, MODEL), pointer);
    const { exitCode, file } = await audit();
    expect(exitCode).toBe(0);
    expect(file).toMatchObject({
      path: MODEL,
      verdict: 'clean',
      format: 'pickle',
      findings: [],
      lfs: { oid: OID, content: 'lfs-object' },
    });
  });

  it('an object in the store that does not hash to its oid is critical', async () => {
    const malicious = callPickle('builtins', 'eval', '1');
    chmodSync(object(), 0o644);
    writeFileSync(object(), malicious);
    const { exitCode, file } = await audit();
    expect(exitCode).toBe(1);
    expect(file.verdict).toBe('malicious');
    const integrity = file.findings.find((f) => f.rule === 'LFS-INTEGRITY')!;
    expect(integrity.severity).toBe('critical');
    expect(integrity.message).toContain(createHash('sha256').update(malicious).digest('hex'));
    expect(file.findings.map((f) => f.rule)).toContain('PICKLE-DANGEROUS-GLOBAL');
  });

  it('a pointer without its object is inconclusive and says how to fetch it', async () => {
    rmSync(object());
    expect(readFileSync(join(repo.dir, MODEL))).toEqual(pointer);
    const { exitCode, file } = await audit();
    expect(exitCode).toBe(2);
    expect(file).toMatchObject({ verdict: 'inconclusive', format: 'lfs-pointer', findings: [] });
    expect(file.unscanned.join()).toContain('git lfs pull');
  });

  it('a pointer naming another oid than HEAD commits is an integrity finding', async () => {
    const other = createHash('sha256').update('other').digest('hex');
    writeFileSync(join(repo.dir, MODEL), pointer.toString().replace(OID, other));
    const { exitCode, file } = await audit();
    expect(exitCode).toBe(1);
    expect(file.verdict).toBe('malicious');
    expect(file.findings).toEqual([
      expect.objectContaining({
        rule: 'LFS-INTEGRITY',
        severity: 'high',
        message: expect.stringContaining(`names oid ${other} but HEAD commits oid ${OID}`),
      }),
    ]);
  });
});
