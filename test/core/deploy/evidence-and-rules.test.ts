import { describe, expect, it } from 'vitest';
import { branchAllowed, branchOfRef } from '../../../src/core/deploy/branch-rule.js';
import { formatDuration } from '../../../src/core/deploy/duration-text.js';
import { readEvidence } from '../../../src/core/deploy/evidence.js';

const SHA = 'a'.repeat(64);

describe('deploy evidence shapes', () => {
  it('reads an evaluate result: the worst status of each gate counts', () => {
    expect(
      readEvidence('e.json', 'd', {
        verdict: 'warn',
        name: 'churn',
        sha256: SHA.toUpperCase(),
        gates: [
          { gate: 'auc', status: 'pass' },
          { gate: 'auc', status: 'fail' },
          { gate: 'f1', status: 'warn' },
        ],
      }),
    ).toEqual({
      kind: 'evaluate',
      file: 'e.json',
      digest: 'd',
      verdict: 'warn',
      name: 'churn',
      sha256: SHA,
      gates: { auc: 'fail', f1: 'warn' },
    });
  });

  it('reads an audit result: clean only when every file is clean or allowlisted and nothing failed', () => {
    const files = [
      { sha256: SHA, verdict: 'clean' },
      { verdict: 'suspicious', allowlisted: { sha256: SHA, reason: 'reviewed' } },
    ];
    expect(readEvidence('a.json', 'd', { verdict: 'suspicious', files })).toMatchObject({
      kind: 'audit',
      clean: true,
      sha256s: [SHA],
      files: 2,
    });
    expect(readEvidence('a.json', 'd', { verdict: 'clean', failed: true, files })).toMatchObject({
      clean: false,
    });
    expect(readEvidence('a.json', 'd', { verdict: 'malicious' })).toMatchObject({ clean: false });
  });

  it('refuses what is neither, naming the file', () => {
    expect(() => readEvidence('x.json', 'd', [1])).toThrow('--evidence x.json is not a JSON object');
    expect(() => readEvidence('x.json', 'd', { verdict: 'ok' })).toThrow(
      'neither an evaluate nor an audit result',
    );
  });
});

describe('branch rule and durations', () => {
  it('matches globs per path segment, ** across segments', () => {
    expect(branchAllowed('main', [])).toBe(true);
    expect(branchAllowed(undefined, ['main'])).toBe(false);
    expect(branchAllowed('release/1.2', ['main', 'release/*'])).toBe(true);
    expect(branchAllowed('release/1.2/fix', ['release/*'])).toBe(false);
    expect(branchAllowed('release/1.2/fix', ['release/**'])).toBe(true);
    expect(branchAllowed('main2', ['main'])).toBe(false);
    expect(branchOfRef('refs/heads/release/2')).toBe('release/2');
    expect(branchOfRef('refs/tags/v1')).toBeUndefined();
    expect(branchOfRef('refs/pull/7/merge')).toBeUndefined();
  });

  it('formats durations with the two largest units', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(90_000)).toBe('1m 30s');
    expect(formatDuration(26 * 3_600_000 + 5 * 60_000)).toBe('1d 2h');
  });
});
