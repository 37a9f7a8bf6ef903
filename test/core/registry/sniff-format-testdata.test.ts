import { existsSync, openSync, readSync, closeSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { SNIFF_BYTES, sniffFormat } from '../../../src/core/registry/sniff-format.js';

// Debian's libonnx-testdata: real exporter output, plus TensorProto .pb files that must not pass as models.
const ROOT = '/usr/share/libonnx-testdata/data';

function head(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, SNIFF_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!existsSync(ROOT))('sniffFormat on libonnx-testdata', () => {
  const cases = readdirSync(ROOT).flatMap((group) =>
    readdirSync(join(ROOT, group)).map((name) => join(ROOT, group, name)),
  );

  it('recognises every model.onnx and no tensor .pb as ONNX', () => {
    const models = cases.map((dir) => join(dir, 'model.onnx')).filter(existsSync);
    expect(models.length).toBeGreaterThan(100);
    const missed = models.filter((m) => sniffFormat(head(m)) !== 'onnx');
    expect(missed).toEqual([]);
    const tensors = cases
      .flatMap((dir) =>
        readdirSync(dir)
          .filter((d) => d.startsWith('test_data_set'))
          .map((d) => join(dir, d)),
      )
      .flatMap((set) => readdirSync(set).map((f) => join(set, f)))
      .slice(0, 2000);
    const confused = tensors.filter((t) => sniffFormat(head(t)) === 'onnx');
    expect(confused).toEqual([]);
  });
});
