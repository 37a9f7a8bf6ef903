import { createHash, randomBytes } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { formatLfsPointer, isLfsPointer, parseLfsPointer } from '../../../src/core/registry/lfs-pointer.js';
import { makeRepoWithRemote } from '../../support/git-repo.js';

const OID = 'a'.repeat(64);

describe('LFS pointers', () => {
  it('parses the pointer real git-lfs writes, matching the content sha256 and size', async () => {
    const repo = await makeRepoWithRemote({ lfs: true });
    try {
      await repo.git.lfsTrack('*.onnx');
      const content = randomBytes(200_000);
      await repo.commit({ 'models/churn/model.onnx': content }, 'add model');
      const blob = await repo.git.showFile('HEAD', 'models/churn/model.onnx');
      expect(isLfsPointer(blob)).toBe(true);
      const pointer = parseLfsPointer(blob);
      expect(pointer).toEqual({
        oid: createHash('sha256').update(content).digest('hex'),
        size: content.length,
      });
      // Byte-identical to what git-lfs wrote.
      expect(formatLfsPointer(pointer!)).toBe(blob.toString('utf8'));
    } finally {
      await repo.cleanup();
    }
  });

  it('round-trips extensions in sorted key order', () => {
    const text = formatLfsPointer({
      oid: OID,
      size: 12,
      extensions: { 'ext-0-foo': 'sha256:' + 'b'.repeat(64) },
    });
    expect(text).toBe(
      `version https://git-lfs.github.com/spec/v1\next-0-foo sha256:${'b'.repeat(64)}\noid sha256:${OID}\nsize 12\n`,
    );
    expect(parseLfsPointer(text)).toEqual({
      oid: OID,
      size: 12,
      extensions: { 'ext-0-foo': 'sha256:' + 'b'.repeat(64) },
    });
  });

  it('rejects anything that is not a pointer', () => {
    const good = `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\nsize 12\n`;
    expect(isLfsPointer(good)).toBe(true);
    expect(isLfsPointer(`version https://hawser.github.com/spec/v1\noid sha256:${OID}\nsize 12\n`)).toBe(
      true,
    );
    for (const bad of [
      '',
      good.slice(0, -1), // no final newline
      good.replace('size 12', 'size -1'),
      good.replace('size 12', 'size 012'),
      good.replace(OID, OID.toUpperCase()),
      good.replace(OID, OID.slice(1)),
      good.replace('sha256:', 'sha1:'),
      `oid sha256:${OID}\nversion https://git-lfs.github.com/spec/v1\nsize 12\n`, // version not first
      `version https://git-lfs.github.com/spec/v1\nsize 12\noid sha256:${OID}\n`, // keys not sorted
      `version https://git-lfs.github.com/spec/v2\noid sha256:${OID}\nsize 12\n`,
      good.replace(/\n/g, '\r\n'),
      good + 'x'.repeat(1100) + ' y\n', // over 1024 bytes
    ]) {
      expect(parseLfsPointer(bad)).toBeNull();
    }
    expect(isLfsPointer(randomBytes(512))).toBe(false);
    expect(() => formatLfsPointer({ oid: 'xyz', size: 1 })).toThrow(/64 lower-case hex/);
  });
});
